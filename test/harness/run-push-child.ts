import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface ChildPushResult {
  digest: string;
  seconds: number;
  /** RSS after start-up and a warm-up request, before the push. */
  baselineRssKiB: number;
  /** Peak RSS of the whole process (getrusage). */
  maxRssKiB: number;
}

const childScript = fileURLToPath(new URL("./push-child.ts", import.meta.url));

/** Runs the layout pusher in a fresh Node process (tsx loader) and answers its timing and memory. */
export function pushInChild(layoutDir: string, reference: string): Promise<ChildPushResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript, layoutDir, reference], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`push child exited with ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as ChildPushResult);
      } catch {
        reject(new Error(`push child printed no result: ${stdout} ${stderr}`));
      }
    });
  });
}
