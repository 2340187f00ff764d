import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));

export interface RunningProduct {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  stateDir: string;
  /** Everything the product printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export interface ProductOptions {
  /** Extra environment (HF_ENDPOINT, DOCKER_BIN, PATH, …); merged over the test's own. */
  env?: Record<string, string | undefined>;
  /** Milliseconds to wait for the `listening on` line. */
  timeoutMs?: number;
}

/** Starts the product the way `npm start` does (`node scripts/start.mjs`, PORT=0, a temp STATE_DIR). */
export async function startProduct(options: ProductOptions = {}): Promise<RunningProduct> {
  for (const built of ["backend/dist/main.js", "ui/build/index.html"]) {
    if (!existsSync(join(root, built))) throw new Error(`${built} is missing: run npm run build first.`);
  }
  const stateDir = await mkdtemp(join(tmpdir(), "mp-state-"));
  const child = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: "0", STATE_DIR: stateDir, HF_TOKEN: "", LOG_LEVEL: "warn", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stop() reaches the backend start.mjs spawned too.
    detached: true,
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const killed = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
      if (!killed) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
        await exited;
      }
    }
    await rm(stateDir, { recursive: true, force: true });
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url) break;
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop();
      throw new Error(`the product exited before listening:\n${output}`);
    }
    if (Date.now() - started > timeoutMs) {
      await stop();
      throw new Error(`the product did not print "listening on" within ${timeoutMs} ms:\n${output}`);
    }
    await delay(50);
  }
  return { url, stateDir, output: () => output, stop };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
