// Runs the model-publisher command line as a user would (the bin script, a clean environment of its own) and answers
// its exit code and output.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const cliBin = join(repoRoot, "backend", "bin", "model-publisher.mjs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `model-publisher <args>` against the Hub at `hubUrl`, with `stateDir` as its home and state; `command` runs it. */
export function runCli(
  args: readonly string[],
  env: { hubUrl: string; stateDir: string },
  command: readonly string[] = [process.execPath, cliBin],
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, [...command.slice(1), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: env.stateDir, HF_ENDPOINT: env.hubUrl, STATE_DIR: env.stateDir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
