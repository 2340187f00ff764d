import { createDockerDesktopClient } from "@docker/extension-api-client";
import { HostCredential, HostSignInList, type HostSignIn } from "@model-publisher/contract";
import { BackendError, toBackendError, unwrapAnswer, parseJsonText, type Method } from "./answers.js";
import { execFailureMessage } from "./exec-output.js";
import { hostHelperName, hostHelperProblem } from "./host-helper.js";

/**
 * The one module that talks to Docker Desktop. In Desktop, backend calls go through `ddClient.extension.vm.service`;
 * standalone (no `window.ddClient`) the same calls go to the backend over plain `fetch` on this origin. The host's
 * sign-ins come from the host helper (`extension.host.cli.exec`) in Desktop only; standalone the backend reads the
 * user's own Docker config itself.
 */

type DesktopClient = ReturnType<typeof createDockerDesktopClient>;

function desktopClient(): DesktopClient | undefined {
  try {
    return createDockerDesktopClient();
  } catch {
    return undefined;
  }
}

export { BackendError, toBackendError, type Method } from "./answers.js";

const dd = desktopClient();

/** True inside Docker Desktop. */
export const inDesktop = dd !== undefined;

async function viaDesktop(client: DesktopClient, method: Method, path: string, body?: unknown): Promise<unknown> {
  const service = client.extension.vm?.service;
  if (!service) throw new BackendError("backend_unreachable", "This extension's backend is not running.", 0);
  try {
    switch (method) {
      case "GET":
        return unwrapAnswer(await service.get(path));
      case "POST":
        return unwrapAnswer(await service.post(path, body ?? {}));
      case "PUT":
        return unwrapAnswer(await service.put(path, body ?? {}));
      case "DELETE":
        return unwrapAnswer(await service.delete(path));
    }
  } catch (err) {
    throw toBackendError(err);
  }
}

async function viaFetch(method: Method, path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw toBackendError(err, 0);
  }
  const text = await response.text();
  const answer = text.length > 0 ? parseJsonText(text) : undefined;
  if (!response.ok) throw toBackendError(answer ?? {}, response.status);
  return unwrapAnswer(answer);
}

/** Calls a backend route and answers its JSON (undefined for 204). Throws `BackendError`. */
export function callBackend(method: Method, path: string, body?: unknown): Promise<unknown> {
  return dd ? viaDesktop(dd, method, path, body) : viaFetch(method, path, body);
}

export type ToastKind = "success" | "warning" | "error";
type ToastListener = (kind: ToastKind, message: string) => void;
const toastListeners = new Set<ToastListener>();

/** Shows a toast: Desktop's own in Desktop, the app's snackbar standalone. */
export function toast(kind: ToastKind, message: string): void {
  if (dd) {
    dd.desktopUI.toast[kind](message);
    return;
  }
  for (const listener of toastListeners) listener(kind, message);
}

/** Standalone: the snackbar subscribes here. Answers the unsubscribe function. */
export function onToast(listener: ToastListener): () => void {
  toastListeners.add(listener);
  return () => toastListeners.delete(listener);
}

/** Opens a link in the user's browser. */
export function openExternal(url: string): void {
  if (dd) dd.host.openExternal(url);
  else window.open(url, "_blank", "noopener,noreferrer");
}

let modelRunner: Promise<boolean> | undefined;

/** Whether the host's docker CLI has Docker Model Runner (`docker model version` answers); asked once per page. */
export function hasModelRunner(): Promise<boolean> {
  if (!dd) return Promise.resolve(false);
  const docker = dd.docker.cli;
  modelRunner ??= docker.exec("model", ["version"]).then(
    (result) => (result.code ?? 0) === 0,
    () => false,
  );
  return modelRunner;
}

/** Runs `docker model pull <reference>` on the host; a failure throws an Error saying what the command printed last. */
export async function pullIntoModelRunner(reference: string): Promise<void> {
  const command = "docker model pull";
  if (!dd) throw new Error("Docker Model Runner is reached through Docker Desktop.");
  let result: { code?: number; stdout: string; stderr: string };
  try {
    result = await dd.docker.cli.exec("model", ["pull", reference]);
  } catch (err) {
    throw new Error(execFailureMessage(err, command));
  }
  if ((result.code ?? 0) !== 0) throw new Error(execFailureMessage(result, command));
}

/** Runs the host helper and answers its stdout as JSON; throws `BackendError` with the helper's reason. */
async function runHostHelper(client: DesktopClient, args: string[]): Promise<unknown> {
  const host = client.extension.host;
  if (!host)
    throw new BackendError("host_helper_failed", "This Docker Desktop does not run extension host helpers.", 0);
  let stdout: string;
  try {
    stdout = (await host.cli.exec(hostHelperName(client.host.platform), args)).stdout;
  } catch (err) {
    throw new BackendError("host_helper_failed", hostHelperProblem(err), 0);
  }
  try {
    return JSON.parse(stdout) as unknown;
  } catch {
    throw new BackendError("host_helper_failed", "The host helper answered something other than JSON.", 0);
  }
}

/** The registries the user's own Docker is signed in to, or why they could not be read. */
export interface HostSignIns {
  registries: HostSignIn[];
  problem?: string;
}

/** The host's sign-ins (user names, never a secret), through the host helper; none standalone. */
export async function hostSignIns(): Promise<HostSignIns> {
  if (!dd) return { registries: [] };
  try {
    const parsed = HostSignInList.safeParse(await runHostHelper(dd, ["list"]));
    if (parsed.success) return { registries: parsed.data.registries };
    return { registries: [], problem: "The host helper's list had an unexpected shape." };
  } catch (err) {
    return { registries: [], problem: err instanceof BackendError ? err.message : String(err) };
  }
}

/**
 * One sign-in of the host, its secret included: hand it straight to the backend, never keep or show it. Undefined
 * standalone; throws `BackendError` when the helper cannot read it.
 */
export async function hostCredential(host: string): Promise<HostCredential | undefined> {
  if (!dd) return undefined;
  const unreadable = (why: string) =>
    new BackendError("host_helper_failed", `Your sign-in to ${host} on this computer could not be read: ${why}`, 0);
  let answer: unknown;
  try {
    answer = await runHostHelper(dd, ["get", host]);
  } catch (err) {
    throw unreadable(err instanceof BackendError ? err.message : String(err));
  }
  const parsed = HostCredential.safeParse(answer);
  if (!parsed.success) throw unreadable("the host helper's answer had an unexpected shape.");
  return parsed.data;
}
