// Runs the shipped host helper (the file the Dockerfile copies to a path metadata.json declares) against a Docker
// config and docker-credential-* stand-ins in a temporary folder, as Docker Desktop starts it on the user's machine.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { hostBinaries, hostBinarySource, readExtensionFiles, type HostOs } from "./extension-package.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const standin = fileURLToPath(new URL("../fixtures/credential-helper-standin.mjs", import.meta.url));

/** The repo file that reaches the user's machine as the host helper of an OS. */
export function shippedHostHelper(os: HostOs, name = "model-publisher-credentials"): string {
  const files = readExtensionFiles(repoRoot);
  const declared = hostBinaries(JSON.parse(files.metadata)).find(
    (binary) =>
      binary.os === os &&
      binary.path
        .split("/")
        .pop()
        ?.replace(/\.cmd$/, "") === name,
  );
  if (!declared) throw new Error(`metadata.json declares no ${name} for ${os}`);
  const source = hostBinarySource(files.dockerfile, declared.path)?.source;
  if (!source) throw new Error(`the Dockerfile does not copy ${declared.path}`);
  return join(repoRoot, source);
}

/** What a stand-in helper holds: `{"<server URL>": {username, secret}}`, or broken (every call fails). */
export type StandinStore = Record<string, { username: string; secret: string }> | "broken";

/** Single quotes for a path written into a stand-in's wrapper script. */
function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export interface HostHelperRig {
  dir: string;
  /** Folder of `docker-credential-<name>` stand-ins, first on the helper's PATH. */
  binDir: string;
  /** The calls a stand-in received, in order: its action and what it read on stdin. */
  calls(helper: string): Array<{ action: string; input: string }>;
  /** Writes a folder holding config.json (an object is written as the docker CLI does, with tabs). */
  dockerConfig(config: unknown, format?: "tabs" | "compact"): string;
  /** Adds a program to the stand-in folder. */
  program(name: string, script: string): void;
  remove(): void;
}

export function hostHelperRig(stores: Record<string, StandinStore>): HostHelperRig {
  const dir = mkdtempSync(join(tmpdir(), "host-helper-"));
  const binDir = join(dir, "bin");
  mkdirSync(binDir);
  const program = (name: string, script: string) => {
    writeFileSync(join(binDir, name), script);
    chmodSync(join(binDir, name), 0o755);
  };
  for (const [name, store] of Object.entries(stores)) {
    const storeFile = join(dir, `${name}.store.json`);
    writeFileSync(storeFile, JSON.stringify(store === "broken" ? {} : store));
    const env = [`STANDIN_STORE=${shellQuoted(storeFile)}`, `STANDIN_LOG=${shellQuoted(join(dir, `${name}.log`))}`];
    if (store === "broken") env.push("STANDIN_BROKEN=1");
    program(
      `docker-credential-${name}`,
      `#!/bin/sh\n${env.join(" ")} exec ${shellQuoted(process.execPath)} ${shellQuoted(standin)} "$@"\n`,
    );
  }
  let configs = 0;
  return {
    dir,
    binDir,
    calls(helper) {
      let text = "";
      try {
        text = readFileSync(join(dir, `${helper}.log`), "utf8");
      } catch {
        return [];
      }
      return text
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as { action: string; input: string });
    },
    dockerConfig(config, format = "tabs") {
      const configDir = join(dir, `config-${++configs}`);
      mkdirSync(configDir);
      const text =
        typeof config === "string"
          ? config
          : format === "tabs"
            ? JSON.stringify(config, null, "\t")
            : JSON.stringify(config);
      writeFileSync(join(configDir, "config.json"), text);
      return configDir;
    },
    program,
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface HostHelperRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts a helper script with a shell (argument array, no shell string) and only the environment given, as Desktop
 * starts it: `shell` is the interpreter and its flags (`["sh"]`, `["bash", "--posix"]`, `["busybox", "sh"]`). The
 * run has a process group of its own, ended by its id when it outlives `timeoutMs`, helpers and awk included.
 */
export function runHostHelper(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  shell: string[] = ["sh"],
  timeoutMs = 30_000,
): Promise<HostHelperRun> {
  return new Promise((resolve, reject) => {
    const [command, ...flags] = shell;
    const child = spawn(command as string, [...flags, script, ...args], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
    }, timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`${script} ${args.join(" ")} ran over ${timeoutMs} ms and was stopped`));
      else resolve({ code, stdout, stderr });
    });
  });
}
