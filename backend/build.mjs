// Bundles the backend (and the contract it imports as source) into dist/; npm dependencies stay external.
import { build } from "esbuild";
import { existsSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith("@model-publisher/"));

const here = new URL(".", import.meta.url).pathname;
const entries = [
  ["main", "src/main.ts"],
  ["cli", "src/cli.ts"],
].filter(([, file]) => existsSync(new URL(file, import.meta.url)));

await build({
  entryPoints: Object.fromEntries(entries),
  absWorkingDir: here,
  outdir: "dist",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: true,
  external,
  logLevel: "warning",
});
