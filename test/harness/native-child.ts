// Runs one native publish in its own process and prints {digest, seconds, baselineRssKiB, maxRssKiB} as JSON:
// memory is measured in a process that does nothing else. Usage: node native-child.mjs (bundled by measured-child.ts) <hubUrl> <source> <reference>
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PublishRequest, type Job } from "@model-publisher/contract";
import { phaseRunner } from "../../backend/src/jobs/phase-step.js";
import { NativeRunner } from "../../backend/src/modelpack/native-publisher.js";
import { RegistryClient, referenceOf } from "../../backend/src/registry/registry-client.js";

const [hubUrl, source, reference] = process.argv.slice(2);
if (!hubUrl || !source || !reference) {
  process.stderr.write("usage: native-child.ts <hubUrl> <source> <reference>\n");
  process.exit(2);
}
const stateDir = mkdtempSync(join(tmpdir(), "mp-native-child-"));
process.on("exit", () => rmSync(stateDir, { recursive: true, force: true }));
const registry = new RegistryClient({ stateDir, env: { HOME: tmpdir() } });
const runner = new NativeRunner({ hub: async () => ({ hubUrl, timeoutMs: 15_000 }), registry });
const request = PublishRequest.parse({ source, reference, mode: "native" });
// Warm the HTTP client so the baseline includes undici and the code paths, not just the bare runtime.
await fetch(new URL("/v2/", registry.repository(referenceOf(reference)).baseUrl)).then((r) => r.arrayBuffer());
await fetch(`${hubUrl}/api/models`).then((r) => r.arrayBuffer());
const baselineRssKiB = Math.round(process.memoryUsage().rss / 1024);
const started = performance.now();
const signal = new AbortController().signal;
const result = await runner.run({
  job: {} as Job,
  request,
  mode: "native",
  signal,
  emit: () => undefined,
  phase: phaseRunner(() => undefined, signal),
});
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  JSON.stringify({
    digest: result.digest,
    seconds,
    baselineRssKiB,
    maxRssKiB: process.resourceUsage().maxRSS,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  }) + "\n",
);
