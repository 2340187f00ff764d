// Pushes a layout in its own process and prints {digest, seconds, baselineRssKiB, maxRssKiB} as JSON: memory is
// measured in a process that does nothing else. Usage: node push-child.mjs (bundled by measured-child.ts) <layoutDir> <reference>
import { pushLayout } from "../../backend/src/registry/layout-pusher.js";
import { RegistryClient, referenceOf } from "../../backend/src/registry/registry-client.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [dir, reference] = process.argv.slice(2);
if (!dir || !reference) {
  process.stderr.write("usage: push-child.ts <layoutDir> <reference>\n");
  process.exit(2);
}
const ref = referenceOf(reference);
const client = new RegistryClient({ stateDir: mkdtempSync(join(tmpdir(), "mp-push-child-")), env: { HOME: tmpdir() } });
// Warm the HTTP client so the baseline includes undici and the code paths, not just the bare runtime.
await fetch(new URL("/v2/", client.repository(ref).baseUrl)).then((r) => r.arrayBuffer());
const baselineRssKiB = Math.round(process.memoryUsage().rss / 1024);
const started = performance.now();
const result = await pushLayout({ dir, repository: client.repository(ref), tag: ref.tag ?? ref.digest });
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({ digest: result.digest, seconds, baselineRssKiB, maxRssKiB: process.resourceUsage().maxRSS }) + "\n",
);
