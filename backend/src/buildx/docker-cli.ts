import { spawn } from "node:child_process";

export interface DockerRunOptions {
  /** Milliseconds before the child is killed. */
  timeoutMs?: number;
  /** Extra environment for the child only (secrets travel here, never in argv). */
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  signal?: AbortSignal;
}

export interface DockerRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs the docker CLI with an argument array, no shell, bounded output and time. */
export function runDocker(dockerBin: string, args: string[], options: DockerRunOptions = {}): Promise<DockerRunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(dockerBin, args, {
      shell: false,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
      signal: options.signal,
    });
    const limit = 4 * 1024 * 1024;
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (stdout.length < limit) stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      if (stderr.length < limit) stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 15_000);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.stdin ?? "");
  });
}

export interface DockerAvailability {
  available: boolean;
  version?: string;
  buildx?: string;
}

/** Asks the CLI for its client version and the buildx plugin for its own; both optional. */
export async function probeDocker(dockerBin: string, timeoutMs = 5_000): Promise<DockerAvailability> {
  let version: string | undefined;
  try {
    const result = await runDocker(dockerBin, ["version", "--format", "{{.Client.Version}}"], { timeoutMs });
    // `docker version` exits non-zero when the daemon is unreachable but still prints the client version.
    version = result.stdout.trim().split("\n")[0]?.trim() || undefined;
  } catch {
    return { available: false };
  }
  if (!version) return { available: false };
  let buildx: string | undefined;
  try {
    const result = await runDocker(dockerBin, ["buildx", "version"], { timeoutMs });
    if (result.code === 0) {
      // "github.com/docker/buildx v0.19.3 48d6a39" → "v0.19.3"
      const words = result.stdout.trim().split(/\s+/);
      buildx = words.find((word) => /^v?\d+\.\d+/.test(word)) ?? words[1] ?? result.stdout.trim();
    }
  } catch {
    buildx = undefined;
  }
  return { available: true, version, ...(buildx ? { buildx } : {}) };
}
