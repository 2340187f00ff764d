#!/usr/bin/env node
// Runs the bundled CLI, building it first when dist/cli.js is missing or older than the sources (a fresh checkout).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const backend = fileURLToPath(new URL("..", import.meta.url));
const cli = join(backend, "dist", "cli.js");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const sources = [join(backend, "src"), join(backend, "..", "contract", "src")].filter((dir) => existsSync(dir));
const stale = !existsSync(cli) || sources.some((dir) => newestSource(dir) > statSync(cli).mtimeMs);
if (stale) {
  const built = spawnSync(process.execPath, [join(backend, "build.mjs")], { cwd: backend, stdio: ["ignore", 2, 2] });
  if (built.status !== 0) {
    process.stderr.write("model-publisher: building the CLI failed (run npm ci first)\n");
    process.exit(built.status ?? 1);
  }
}
await import(pathToFileURL(cli).href);
