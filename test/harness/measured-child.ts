// Runs a measuring script (push-child.ts, native-child.ts) in a fresh Node process, bundled like the product is
// (esbuild, plain node, no TypeScript loader), so its memory figures are the product's and not a loader's.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** What every measuring script prints as its last stdout line. */
export interface MeasuredRun {
  digest: string;
  seconds: number;
  /** RSS after start-up and a warm-up request, before the work. */
  baselineRssKiB: number;
  /** Peak RSS of the whole process (getrusage). */
  maxRssKiB: number;
}

const root = fileURLToPath(new URL("../..", import.meta.url));
const bundles = new Map<string, Promise<string>>();

/** Bundles the script into test-output/children/ (inside the repo, so its npm dependencies resolve). */
function bundled(script: string): Promise<string> {
  let out = bundles.get(script);
  if (!out) {
    const outfile = join(root, "test-output", "children", basename(script).replace(/\.ts$/, ".mjs"));
    mkdirSync(join(root, "test-output", "children"), { recursive: true });
    const pkg = JSON.parse(readFileSync(join(root, "backend", "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith("@model-publisher/"));
    out = build({
      entryPoints: [script],
      outfile,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      external,
      logLevel: "warning",
    }).then(() => outfile);
    bundles.set(script, out);
  }
  return out;
}

export async function runMeasuredChild(script: string, args: string[]): Promise<MeasuredRun> {
  const file = await bundled(script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${basename(script)} exited with ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "") as MeasuredRun);
      } catch {
        reject(new Error(`${basename(script)} printed no result: ${stdout} ${stderr}`));
      }
    });
  });
}

const pushChild = fileURLToPath(new URL("./push-child.ts", import.meta.url));

/** Pushes a layout with the layout pusher in its own process and answers its timing and memory. */
export function pushInChild(layoutDir: string, reference: string): Promise<MeasuredRun> {
  return runMeasuredChild(pushChild, [layoutDir, reference]);
}
