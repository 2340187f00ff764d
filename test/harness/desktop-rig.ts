// Docker Desktop, as far as the extension can tell, for browser tests: the backend runs as Desktop runs it (the
// shipped bundle, `BACKEND_SOCKET` on a unix socket, in a network namespace of its own where `localhost` is not the
// user's machine and `host.docker.internal` is), and the built UI runs in Chromium with an injected `window.ddClient`
// (desktop-client.ts) that reaches the backend over that socket only.
//
// The host side is this test process's loopback: the Hub test server and a real registry listen on 127.0.0.1, as a
// user's `docker run -p 5000:5000 registry` would. Inside the namespace `host.docker.internal` resolves (its own
// /etc/hosts, bind-mounted by `ip netns exec`) to 127.0.0.2 on the namespace's own loopback, where a bridge carries
// each connection through a unix socket to the host side (host-link.ts). That keeps the rule that tests bind only to
// loopback or inside namespaces they create: no veth pair, no address in the root namespace. Without root or iproute2
// the rig throws; it never skips.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHubServer, type HubModelSpec, type HubServer } from "../fixtures/hub-server.js";
import { startBackendProcess, type BackendProcess } from "./backend-process.js";
import { standinDocker } from "./buildx-publish.js";
import { launchChromium, type Page, type RunningChromium } from "./chromium.js";
import {
  installDesktopClient,
  socketRequest,
  type AnswerWrapping,
  type DesktopClientLog,
  type DesktopClientOptions,
} from "./desktop-client.js";
import { startHostLink, type HostLink } from "./host-link.js";
import { createNetworkNamespace, requireNamespaces, type NetworkNamespace } from "./network-namespace.js";
import { startRegistry, type RegistryOptions, type RunningRegistry } from "./registry.js";
import { serveUiFiles, type UiFiles } from "./ui-files.js";

/** The name Desktop gives containers for the user's machine. */
export const hostAlias = "host.docker.internal";
/** Where `host.docker.internal` answers inside the namespace (its own loopback, not the host's). */
export const hostAliasAddress = "127.0.0.2";

export interface DesktopRigOptions {
  models: HubModelSpec[];
  /** The host-side registry (htpasswd users, token auth); anonymous by default. */
  registry?: RegistryOptions;
  /** Backend environment over the rig's (`REGISTRY_LOOPBACK_HOST: ""` turns the alias off). */
  backendEnv?: Record<string, string>;
  /** More host-side 127.0.0.1 ports the backend reaches at host.docker.internal (the Hub's and registry's are). */
  hostPorts?: number[];
  /** `extension.host.cli.exec` runs `<dir>/<name>` with `env` (e.g. `host/linux` with a host DOCKER_CONFIG). */
  hostBinaries?: DesktopClientOptions["hostBinaries"];
  /** Environment of `docker.cli.exec` (the host's docker CLI, the stand-in) over the rig's. */
  hostDockerEnv?: Record<string, string>;
  /** How vm.service answers arrive; default `{data: …}`. `rig.desktop.answers` switches it later. */
  answers?: AnswerWrapping;
  colorScheme?: "light" | "dark";
}

export interface DesktopRig {
  hub: HubServer;
  registry: RunningRegistry;
  namespace: NetworkNamespace;
  link: HostLink;
  /** The backend in the namespace; `backend.socket` is its unix socket, `backend.output()` its log. */
  backend: BackendProcess;
  ui: UiFiles;
  browser: RunningChromium;
  /** What the UI did through ddClient (toasts, execs, service calls), and the answer-wrapping switch. */
  desktop: DesktopClientLog;
  /** `HF_ENDPOINT` as the backend has it: the Hub at host.docker.internal. */
  hubEndpoint: string;
  /** Environment the host's docker CLI and the backend's share, so both see one engine (the stand-in's state). */
  engineEnv: Record<string, string>;
  /** The rig's temp folder (sockets, the host link's files); removed by close(). */
  dir: string;
  /**
   * Another backend in the same namespace, on `<dir>/<name>.sock`, with `env` over the rig's backend environment
   * (`{REGISTRY_LOOPBACK_HOST: ""}` to show what the alias does); stopped by close() if the test has not.
   */
  startBackend(name: string, env?: Record<string, string>): Promise<BackendProcess>;
  /** Opens the UI (the rig's first page) at a hash route such as `#/settings`. */
  open(hash?: string): Promise<Page>;
  /** A backend call over its socket, bypassing the UI: status and parsed JSON body (or text). */
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  /** Runs the host's docker CLI (the stand-in) on the engine the backend sees. */
  hostDocker(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Stops everything the rig started (by process id), removes the namespace and temp files. */
  close(): Promise<void>;
}

/** Runs a program to its end, collecting its output. */
function run(
  program: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the closers in reverse order, each even when an earlier one failed; throws the first failure. */
async function closeAll(closers: Array<() => Promise<void> | void>): Promise<void> {
  let first: unknown;
  for (const close of closers.splice(0).reverse()) {
    try {
      await close();
    } catch (err) {
      first ??= err;
    }
  }
  if (first) throw first;
}

export async function startDesktopRig(options: DesktopRigOptions): Promise<DesktopRig> {
  requireNamespaces();
  const closers: Array<() => Promise<void> | void> = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), "mp-desktop-"));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    const hub = await startHubServer({ models: options.models });
    closers.push(() => hub.stop());
    const registry = await startRegistry(options.registry);
    closers.push(() => registry.stop());
    const namespace = createNetworkNamespace({ hosts: { [hostAlias]: hostAliasAddress } });
    closers.push(() => namespace.close());
    const link = startHostLink(namespace, { address: hostAliasAddress, dir });
    closers.push(() => link.close());
    const hubPort = Number(new URL(hub.url).port);
    await link.expose([hubPort, registry.port, ...(options.hostPorts ?? [])]);

    const hubEndpoint = `http://${hostAlias}:${hubPort}`;
    // The shipped bundle, as the extension's image runs it; REGISTRY_LOOPBACK_HOST is left to its Desktop default.
    const startBackend = async (name: string, env: Record<string, string> = {}) => {
      const started = await startBackendProcess({
        socket: join(dir, `${name}.sock`),
        bundled: true,
        prefix: namespace.command([]),
        env: { HF_ENDPOINT: hubEndpoint, LOG_LEVEL: "info", ...options.backendEnv, ...env },
      });
      closers.push(() => started.stop());
      return started;
    };
    const backend = await startBackend("backend");
    const socket = backend.socket as string;
    const engineEnv = { STANDIN_STATE_DIR: backend.stateDir };

    const ui = await serveUiFiles();
    closers.push(() => ui.close());
    const browser = await launchChromium({ colorScheme: options.colorScheme ?? "light" });
    closers.push(() => browser.close());
    const desktop = await installDesktopClient(browser.context, {
      backendSocket: socket,
      hostBinaries: options.hostBinaries,
      docker: { bin: standinDocker, env: { ...engineEnv, ...options.hostDockerEnv } },
      vmCommand: (argv) => namespace.command(argv),
      answers: options.answers,
    });

    return {
      hub,
      registry,
      namespace,
      link,
      backend,
      ui,
      browser,
      desktop,
      hubEndpoint,
      engineEnv,
      dir,
      startBackend,
      async open(hash = "") {
        await browser.page.goto(`${ui.url}${hash}`);
        return browser.page;
      },
      async call(method, path, body) {
        const answer = await socketRequest(socket, { method, url: path, data: body });
        const json = answer.contentType.includes("json") && answer.text.length > 0;
        return { status: answer.status, body: json ? (JSON.parse(answer.text) as unknown) : answer.text };
      },
      hostDocker: (args) => run(standinDocker, args, { ...engineEnv, ...options.hostDockerEnv }),
      close: () => closeAll(closers),
    };
  } catch (err) {
    await closeAll(closers).catch(() => undefined);
    throw err;
  }
}
