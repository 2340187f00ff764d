import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

/** Debian's CNCF distribution registry (package `docker-registry`). */
export const registryBinary = process.env.DOCKER_REGISTRY_BIN ?? "/usr/bin/docker-registry";

export interface RegistryUser {
  username: string;
  password: string;
}

/** The registry's `auth.token` section: it trusts tokens signed by a key whose certificate is in the bundle. */
export interface TokenAuthOptions {
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate(s) of the token signer. */
  rootCertBundle: string;
}

export interface RegistryOptions {
  /** Users for htpasswd auth (bcrypt); none means anonymous access. */
  users?: RegistryUser[];
  token?: TokenAuthOptions;
  /** A port that must be free on 127.0.0.1; a free one is picked unless said. */
  port?: number;
}

export interface RunningRegistry {
  /** `127.0.0.1:<port>`, the registry part of a reference. */
  host: string;
  port: number;
  url: string;
  pid: number;
  storageDir: string;
  /** Upload sessions the registry still holds for a repository (its filesystem storage's `_uploads`). */
  uploadSessions(repository: string): string[];
  stop(): Promise<void>;
}

/** Asks the kernel for a free port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** `port` when it is free on 127.0.0.1 now, else a free one. */
export function preferredPort(port: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.on("error", () => resolve(freePort()));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(port)));
  });
}

/** bcrypt lines for an htpasswd file; the password travels on stdin, never in argv. */
function htpasswdLine(user: RegistryUser): string {
  const result = spawnSync("htpasswd", ["-niB", user.username], { input: `${user.password}\n`, encoding: "utf8" });
  if (result.error || result.status !== 0) {
    throw new Error(
      `htpasswd failed (install the Debian package apache2-utils): ${result.error?.message ?? result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/** True while a process with this pid exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const status = spawnSync("ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8" });
  const stat = status.stdout.trim();
  return stat !== "" && !stat.startsWith("Z");
}

async function waitForV2(url: string, child: ChildProcess, stderr: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}: ${stderr()}`);
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer /v2/ within ${timeoutMs} ms: ${stderr()}`);
}

/** Starts a real registry on a free 127.0.0.1 port with its own temp storage; `stop()` removes both. */
export async function startRegistry(options: RegistryOptions = {}): Promise<RunningRegistry> {
  if (!existsSync(registryBinary)) {
    throw new Error(
      `${registryBinary} not found: install the Debian package docker-registry (apt-get install docker-registry)`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "mp-registry-"));
  const storageDir = join(dir, "storage");
  const port = options.port ?? (await freePort());
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: "error", accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
    http: { addr: `127.0.0.1:${port}`, secret: `test-secret-${port}` },
  };
  if (options.users && options.users.length > 0) {
    const htpasswd = join(dir, "htpasswd");
    await writeFile(htpasswd, options.users.map(htpasswdLine).join("\n") + "\n", { mode: 0o600 });
    config.auth = { htpasswd: { realm: "model-publisher-test", path: htpasswd } };
  } else if (options.token) {
    const t = options.token;
    config.auth = { token: { realm: t.realm, service: t.service, issuer: t.issuer, rootcertbundle: t.rootCertBundle } };
  }
  const configPath = join(dir, "config.yml");
  await writeFile(configPath, stringify(config));
  const child = spawn(registryBinary, ["serve", configPath], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    if (stderr.length < 64 * 1024) stderr += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${registryBinary}`);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (processAlive(pid)) throw new Error(`docker-registry (pid ${pid}) is still running after stop()`);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForV2(url, child, () => stderr);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  const uploadSessions = (repository: string): string[] => {
    const uploads = join(storageDir, "docker/registry/v2/repositories", repository, "_uploads");
    // A canceled session leaves an empty `hashstates` folder behind; a live one has its `startedat` and `data`.
    return existsSync(uploads) ? readdirSync(uploads).filter((id) => existsSync(join(uploads, id, "startedat"))) : [];
  };
  return { host: `127.0.0.1:${port}`, port, url, pid, storageDir, uploadSessions, stop };
}
