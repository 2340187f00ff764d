import { createDockerDesktopClient } from "@docker/extension-api-client";
import { ErrorEnvelope } from "@model-publisher/contract";

/**
 * The one module that talks to Docker Desktop. In Desktop, backend calls go through `ddClient.extension.vm.service`;
 * standalone (no `window.ddClient`) the same calls go to the backend over plain `fetch` on this origin.
 */

type DesktopClient = ReturnType<typeof createDockerDesktopClient>;

function desktopClient(): DesktopClient | undefined {
  try {
    return createDockerDesktopClient();
  } catch {
    return undefined;
  }
}

const dd = desktopClient();

/** True inside Docker Desktop. */
export const inDesktop = dd !== undefined;

/** A failed backend call, carrying the contract's error envelope. */
export class BackendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Desktop may wrap answers as `{data: …}` (and sometimes as a JSON string): unwrap here and only here. */
export function unwrapAnswer(value: unknown): unknown {
  let answer = parseJsonText(value);
  if (isRecord(answer) && Object.keys(answer).length === 1 && "data" in answer) answer = parseJsonText(answer.data);
  return answer;
}

/** Finds the contract's error envelope in whatever shape the transport handed back. */
export function toBackendError(raw: unknown, status = 0): BackendError {
  const candidates: unknown[] = [raw];
  if (isRecord(raw)) candidates.push(raw.data, raw.body, parseJsonText(raw.message));
  if (raw instanceof Error) candidates.push(parseJsonText(raw.message));
  for (const candidate of candidates) {
    const parsed = ErrorEnvelope.safeParse(unwrapAnswer(candidate));
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new BackendError(code, message, statusOf(raw) ?? status, details);
    }
  }
  const code = status === 0 && !isRecord(raw) ? "backend_unreachable" : "internal";
  const message =
    code === "backend_unreachable"
      ? "The Model Publisher backend did not answer; check that it is running."
      : "The backend answered with an error it did not explain.";
  return new BackendError(code, message, statusOf(raw) ?? status);
}

function statusOf(raw: unknown): number | undefined {
  if (isRecord(raw) && typeof raw.statusCode === "number") return raw.statusCode;
  return undefined;
}

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
