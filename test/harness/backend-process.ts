// The backend from source (tsx) as its own process, as it runs in the extension, with a docker CLI that records
// every invocation before handing over to the stand-in, so a test can tell exactly which processes it started.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { standinDocker } from "./buildx-publish.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

/** The invocations `GET /health` makes (cached for 10 s): not started by the request under test. */
const healthProbes = new Set(["version --format {{.Client.Version}}", "buildx version"]);

export interface BackendProcess {
  /** `http://127.0.0.1:<port>` or `unix:<path>`. */
  address: string;
  /** The socket path in socket mode. */
  socket?: string;
  child: ChildProcess;
  stateDir: string;
  /** Everything the backend wrote to stdout and stderr (its log). */
  output(): string;
  /** One line per docker CLI invocation (its argv joined by spaces), the health probes included. */
  dockerCalls(): string[];
  /** The invocations other than the health probe. */
  dockerCallsBesidesHealth(): string[];
  /** Rows in the job store, read from the SQLite file itself. */
  storeCounts(): { jobs: number; events: number };
  /** SIGTERM, then SIGKILL after 5 s; removes STATE_DIR unless `keepState`. */
  stop(options?: { keepState?: boolean }): Promise<void>;
}

export interface BackendProcessOptions {
  env?: Record<string, string>;
  /** Listen on this unix socket instead of TCP. */
  socket?: string;
  /** Reuse a STATE_DIR (a restart); a fresh temp one otherwise. */
  stateDir?: string;
  /**
   * Run the bundle the product ships (backend/dist/main.js, built first by the caller with `npm run build -w
   * backend`) instead of the sources through tsx: what a bench should measure.
   */
  bundled?: boolean;
  /**
   * Runs the backend through this argv prefix (`ip netns exec <ns>`, which execs it: the pid stays the backend's), as
   * the Desktop rig runs it in a network namespace.
   */
  prefix?: string[];
}

/**
 * A docker CLI that appends its argv to `log`, then runs the stand-in with the same arguments. A publish named
 * `standin-<behaviour>` (`--build-arg name=standin-fail`) gets that stand-in behaviour, so one backend can run
 * succeeding, failing and hanging builds side by side.
 */
export function recordingDocker(dir: string, log: string): string {
  const bin = join(dir, "docker");
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  writeFileSync(
    bin,
    [
      "#!/bin/sh",
      `printf '%s\\n' "$*" >> ${quote(log)}`,
      'case "$*" in',
      "  *name=standin-fail*) export STANDIN_BEHAVIOUR=fail ;;",
      "  *name=standin-hang*) export STANDIN_BEHAVIOUR=hang ;;",
      "  *name=standin-biglog*) export STANDIN_BEHAVIOUR=biglog ;;",
      "  *name=standin-pacedlog*) export STANDIN_BEHAVIOUR=biglog STANDIN_LOG_LINES_PER_SECOND=1000 ;;",
      "esac",
      `exec ${quote(standinDocker)} "$@"`,
      "",
    ].join("\n"),
  );
  chmodSync(bin, 0o755);
  return bin;
}

export async function startBackendProcess(options: BackendProcessOptions = {}): Promise<BackendProcess> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "mp-backend-"));
  const toolDir = mkdtempSync(join(tmpdir(), "mp-docker-"));
  const callLog = join(toolDir, "calls.log");
  const dockerBin = recordingDocker(toolDir, callLog);
  const entry = options.bundled
    ? [join(root, "backend/dist/main.js")]
    : ["--import", "tsx", join(root, "backend/src/main.ts")];
  // BACKEND_NODE_ARGS passes Node flags to the backend under test (`--cpu-prof`, when a bench needs a profile).
  const argv = [
    ...(options.prefix ?? []),
    process.execPath,
    ...(process.env.BACKEND_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    ...entry,
  ];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      HF_TOKEN: "",
      LOG_LEVEL: "debug",
      STATE_DIR: stateDir,
      DOCKER_BIN: dockerBin,
      STANDIN_STATE_DIR: stateDir,
      ...(options.socket ? { BACKEND_SOCKET: options.socket } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the backend did not start within 30 s:\n${output}`)), 30_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+|unix:\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the backend exited with ${code}:\n${output}`));
    });
  });
  const dockerCalls = () => (existsSync(callLog) ? readFileSync(callLog, "utf8").split("\n").filter(Boolean) : []);
  return {
    address,
    ...(options.socket ? { socket: options.socket } : {}),
    child,
    stateDir,
    output: () => output,
    dockerCalls,
    dockerCallsBesidesHealth: () => dockerCalls().filter((call) => !healthProbes.has(call)),
    storeCounts() {
      const db = new Database(join(stateDir, "jobs.sqlite"), { readonly: true, fileMustExist: true });
      try {
        const row = db
          .prepare("SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM job_events) AS events")
          .get() as { jobs: number; events: number };
        return { jobs: row.jobs, events: row.events };
      } finally {
        db.close();
      }
    },
    async stop(stopOptions = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(toolDir, { recursive: true, force: true });
      if (!stopOptions.keepState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
