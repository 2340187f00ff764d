// `window.ddClient` as Docker Desktop injects it into an extension's UI, for Chromium under test: the shapes of
// `@docker/extension-api-client-types` v1, backed by the test process through one Playwright binding.
// - `extension.vm.service.*` speak HTTP to the backend's unix socket; a 2xx answer resolves as `{data: <parsed body>}`
//   (newer Desktop) or bare (older), switchable at any time; any other status rejects with a ServiceError
//   `{name, message: <body text>, statusCode}`.
// - `extension.host.cli.exec(name, args)` runs `<hostBinaries.dir>/<name>`; `docker.cli.exec(cmd, args)` runs the docker
//   stand-in with `cmd` as its first argument; `extension.vm.cli.exec` runs in the backend's namespace. Each resolves
//   `{cmd, stdout, stderr, code, lines(), parseJsonLines(), parseJsonObject()}` and rejects with that same object on a
//   non-zero exit. Streaming exec (`options.stream`) is not offered: the UI never streams.
// - Toasts, `host.openExternal` and navigation intents are recorded for the test to read.
import { spawn } from "node:child_process";
import { request } from "node:http";
import type { v1 } from "@docker/extension-api-client-types";
import type { BrowserContext } from "playwright-core";
import { standinDocker } from "./buildx-publish.js";

/** How a successful vm.service answer reaches the UI. */
export type AnswerWrapping = "data" | "bare";

export type ToastKind = "success" | "warning" | "error";

export interface DesktopClientOptions {
  /** The backend's unix socket: what `extension.vm.service` talks to. */
  backendSocket: string;
  /** `extension.host.cli.exec(name)` runs `<dir>/<name>` with `env` over the test's own (none: every call fails). */
  hostBinaries?: { dir: string; env?: Record<string, string> };
  /** `docker.cli.exec` runs `bin` (default the docker stand-in) with `env` over the test's own. */
  docker?: { bin?: string; env?: Record<string, string> };
  /** `extension.vm.cli.exec` runs its argv through this (the backend's namespace); none: every call fails. */
  vmCommand?: (argv: string[]) => string[];
  /** Default `data`, as newer Desktop answers. */
  answers?: AnswerWrapping;
  /** `extension.image`. */
  image?: string;
  /** `host.platform`, `host.arch`, `host.hostname`. */
  host?: { platform: string; arch: string; hostname: string };
}

/** What the UI did through ddClient; `answers` may be changed by the test between calls. */
export interface DesktopClientLog {
  answers: AnswerWrapping;
  toasts: Array<{ kind: ToastKind; message: string }>;
  openedExternal: string[];
  navigations: Array<{ intent: string; args: unknown[] }>;
  /** `body` is what the UI sent, as it sent it (a test looks for secrets there). */
  serviceCalls: Array<{ method: string; url: string; status: number; body?: unknown }>;
  execs: Array<{ via: ExecVia; cmd: string; args: string[]; code: number | null }>;
}

type ExecVia = "host" | "docker" | "vm";

/** One message from the page to the test process. */
type DesktopCall =
  | { kind: "service"; method: string; url: string; data?: unknown; headers?: Record<string, string> }
  | {
      kind: "exec";
      via: ExecVia;
      cmd: string;
      args: string[];
      options?: { cwd?: string; env?: Record<string, string> };
    }
  | { kind: "toast"; level: ToastKind; message: string }
  | { kind: "openExternal"; url: string }
  | { kind: "navigate"; intent: string; args: unknown[] };

type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

const bindingName = "__modelPublisherDesktop";

interface PageSettings {
  binding: string;
  image: string;
  host: { platform: string; arch: string; hostname: string };
}

/** Runs in the page before its scripts: builds `window.ddClient` on the binding. Self-contained (it is serialized). */
function installInPage(settings: PageSettings): void {
  type Call = (message: unknown) => Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
  const binding = (window as unknown as Record<string, Call>)[settings.binding] as Call;
  const call = async (message: unknown): Promise<unknown> => {
    const reply = await binding(message);
    if (reply.ok) return reply.value;
    throw reply.error;
  };
  type Raw = v1.RawExecResult;
  const withMethods = (result: Raw): v1.ExecResult => ({
    ...result,
    lines: () => result.stdout.split("\n").filter((line) => line.length > 0),
    parseJsonLines: () =>
      result.stdout
        .split("\n")
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as unknown),
    parseJsonObject: () => JSON.parse(result.stdout) as unknown,
  });
  const exec = (via: string): v1.Exec =>
    ((cmd: string, args: string[], options?: v1.ExecOptions | v1.SpawnOptions) => {
      if (options && "stream" in options) throw new TypeError("The test rig's ddClient does not stream exec output.");
      const env = options?.env ? Object.fromEntries(Object.entries(options.env)) : undefined;
      return call({ kind: "exec", via, cmd, args, options: { cwd: options?.cwd, env } }).then(
        (result) => withMethods(result as Raw),
        (result: unknown) => {
          throw withMethods(result as Raw);
        },
      );
    }) as v1.Exec;
  const service = (method: string) => (url: string, data?: unknown) => call({ kind: "service", method, url, data });
  const navigate =
    (intent: string) =>
    (...args: unknown[]) =>
      call({ kind: "navigate", intent, args }).then(() => undefined);
  const unsupported = (what: string) => () => Promise.reject(new Error(`${what} is not offered by the test rig.`));
  const ddClient: v1.DockerDesktopClient = {
    extension: {
      image: settings.image,
      vm: {
        cli: { exec: exec("vm") },
        service: {
          get: service("GET"),
          post: service("POST"),
          put: service("PUT"),
          patch: service("PATCH"),
          delete: service("DELETE"),
          head: service("HEAD"),
          request: (config: v1.RequestConfig) =>
            call({
              kind: "service",
              method: config.method,
              url: config.url,
              data: config.data,
              headers: config.headers,
            }),
        },
      },
      host: { cli: { exec: exec("host") } },
    },
    desktopUI: {
      toast: {
        success: (message: string) => void call({ kind: "toast", level: "success", message }),
        warning: (message: string) => void call({ kind: "toast", level: "warning", message }),
        error: (message: string) => void call({ kind: "toast", level: "error", message }),
      },
      dialog: { showOpenDialog: unsupported("dialog.showOpenDialog") },
      navigate: {
        viewContainers: navigate("viewContainers"),
        viewContainer: navigate("viewContainer"),
        viewContainerLogs: navigate("viewContainerLogs"),
        viewContainerInspect: navigate("viewContainerInspect"),
        viewContainerTerminal: navigate("viewContainerTerminal"),
        viewContainerStats: navigate("viewContainerStats"),
        viewImages: navigate("viewImages"),
        viewImage: navigate("viewImage"),
        viewVolumes: navigate("viewVolumes"),
        viewVolume: navigate("viewVolume"),
      },
    },
    host: {
      openExternal: (url: string) => void call({ kind: "openExternal", url }),
      platform: settings.host.platform,
      arch: settings.host.arch,
      hostname: settings.host.hostname,
    },
    docker: {
      cli: { exec: exec("docker") },
      listContainers: unsupported("docker.listContainers"),
      listImages: unsupported("docker.listImages"),
    },
  };
  Object.defineProperty(window, "ddClient", { value: ddClient, configurable: false, writable: false });
}

/** One HTTP request over a unix socket; a non-string body is sent as JSON. */
export function socketRequest(
  socketPath: string,
  call: { method: string; url: string; data?: unknown; headers?: Record<string, string> },
): Promise<{ status: number; contentType: string; text: string }> {
  const body = call.data === undefined || ["GET", "HEAD", "DELETE"].includes(call.method) ? undefined : call.data;
  const payload = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        method: call.method,
        path: call.url,
        headers: { ...(payload !== undefined ? { "content-type": "application/json" } : {}), ...call.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers["content-type"] ?? "",
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** A vm.service call answered as Desktop hands it to the UI. */
async function serviceCall(
  socketPath: string,
  call: Extract<DesktopCall, { kind: "service" }>,
  answers: AnswerWrapping,
): Promise<Reply & { status: number }> {
  let answer: Awaited<ReturnType<typeof socketRequest>>;
  try {
    answer = await socketRequest(socketPath, call);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const error: v1.ServiceError = { name: "ServiceError", message, statusCode: 0 };
    return { ok: false, error, status: 0 };
  }
  const { status, contentType, text } = answer;
  if (status < 200 || status > 299) {
    const error: v1.ServiceError = { name: "ServiceError", message: text, statusCode: status };
    return { ok: false, error, status };
  }
  const value: unknown = contentType.includes("json") && text.length > 0 ? JSON.parse(text) : text;
  return { ok: true, value: answers === "data" ? { data: value } : value, status };
}

/** Runs a program to its end; the reply carries the raw exec result, rejected when the exit code is not 0. */
function execCall(
  argv: string[],
  env: Record<string, string | undefined>,
  cwd: string | undefined,
): Promise<Reply & { code: number | null }> {
  const [program, ...args] = argv as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(program, args, { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (err) => {
      resolve({ ok: false, error: { cmd: argv.join(" "), stdout, stderr: err.message, code: 127 }, code: 127 });
    });
    child.on("close", (code, signal) => {
      const result = {
        cmd: argv.join(" "),
        stdout,
        stderr,
        code: code ?? undefined,
        ...(signal ? { killed: true, signal } : {}),
      };
      resolve(code === 0 ? { ok: true, value: result, code } : { ok: false, error: result, code });
    });
  });
}

function execArgv(
  options: DesktopClientOptions,
  call: Extract<DesktopCall, { kind: "exec" }>,
): { argv: string[]; env: Record<string, string> } | string {
  switch (call.via) {
    case "host":
      if (!options.hostBinaries) return `no host binaries in this rig (asked for ${call.cmd})`;
      if (call.cmd.includes("/")) return `a host binary is named, not a path: ${call.cmd}`;
      return { argv: [`${options.hostBinaries.dir}/${call.cmd}`, ...call.args], env: options.hostBinaries.env ?? {} };
    case "docker":
      return { argv: [options.docker?.bin ?? standinDocker, call.cmd, ...call.args], env: options.docker?.env ?? {} };
    case "vm":
      if (!options.vmCommand) return "no backend container in this rig";
      return { argv: options.vmCommand([call.cmd, ...call.args]), env: {} };
  }
}

/** Answers one call from the page and records it. */
async function answer(options: DesktopClientOptions, log: DesktopClientLog, call: DesktopCall): Promise<Reply> {
  switch (call.kind) {
    case "service": {
      const reply = await serviceCall(options.backendSocket, call, log.answers);
      log.serviceCalls.push({
        method: call.method,
        url: call.url,
        status: reply.status,
        ...(call.data !== undefined ? { body: call.data } : {}),
      });
      return reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error };
    }
    case "exec": {
      const how = execArgv(options, call);
      if (typeof how === "string") {
        log.execs.push({ via: call.via, cmd: call.cmd, args: call.args, code: 127 });
        return { ok: false, error: { cmd: call.cmd, stdout: "", stderr: how, code: 127 } };
      }
      const reply = await execCall(how.argv, { ...how.env, ...call.options?.env }, call.options?.cwd);
      log.execs.push({ via: call.via, cmd: call.cmd, args: call.args, code: reply.code });
      return reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error };
    }
    case "toast":
      log.toasts.push({ kind: call.level, message: call.message });
      return { ok: true, value: undefined };
    case "openExternal":
      log.openedExternal.push(call.url);
      return { ok: true, value: undefined };
    case "navigate":
      log.navigations.push({ intent: call.intent, args: call.args });
      return { ok: true, value: undefined };
  }
}

/** Gives every page of `context` a `window.ddClient` (before the page's own scripts run). */
export async function installDesktopClient(
  context: BrowserContext,
  options: DesktopClientOptions,
): Promise<DesktopClientLog> {
  const log: DesktopClientLog = {
    answers: options.answers ?? "data",
    toasts: [],
    openedExternal: [],
    navigations: [],
    serviceCalls: [],
    execs: [],
  };
  await context.exposeBinding(bindingName, (_source, call: DesktopCall) => answer(options, log, call));
  const settings: PageSettings = {
    binding: bindingName,
    image: options.image ?? "model-publisher/model-publisher:test",
    host: options.host ?? { platform: "linux", arch: process.arch, hostname: "desktop-rig" },
  };
  await context.addInitScript(installInPage, settings);
  return log;
}
