// Native publish of a 1 GiB model from the Hub test server into a local registry, against the two-step baseline:
// `curl` each file to disk, write an OCI layout of them (test/fixtures/modelpack-layout.ts), `skopeo copy` it.
// Alternating runs, a fresh registry per run; prints the median wall-time ratio ours/baseline and our peak RSS at
// 256 MiB and 1 GiB. BENCH_RUNS (default 3) and BENCH_NATIVE_GIB (default 1) scale it.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHubServer, type HubFileSpec } from "../test/fixtures/hub-server.js";
import { writeModelpackLayout } from "../test/fixtures/modelpack-layout.js";
import { startRegistry } from "../test/harness/registry.js";
import { runMeasuredChild, type MeasuredRun } from "../test/harness/measured-child.js";
import { median, mib } from "../test/harness/bench-figures.js";

const gib = Number(process.env.BENCH_NATIVE_GIB ?? "1");
const runs = Number(process.env.BENCH_RUNS ?? "3");
const childScript = fileURLToPath(new URL("../test/harness/native-child.ts", import.meta.url));

function nativeInChild(hubUrl: string, source: string, reference: string): Promise<MeasuredRun> {
  return runMeasuredChild(childScript, [hubUrl, source, reference]);
}

/** Runs a command without blocking this process, which serves the Hub test server the command may talk to. */
function exec(command: string, args: string[]): Promise<{ status: number | null; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (error) => resolve({ status: null, stderr, error }));
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

function modelFiles(total: number): HubFileSpec[] {
  return [
    { path: "model-00001-of-00002.safetensors", size: Math.round(total * 0.75) },
    { path: "model-00002-of-00002.safetensors", size: total - Math.round(total * 0.75) },
    { path: "config.json", content: '{"model_type":"bench"}' },
  ];
}

const work = await mkdtemp(join(tmpdir(), "mp-bench-native-"));
const big = Math.round(gib * 1024 * mib);
const hub = await startHubServer({
  models: [
    { id: "bench/big", files: modelFiles(big) },
    { id: "bench/small", files: modelFiles(256 * mib) },
  ],
  blobCacheDir: join(work, "hub-blobs"),
});
try {
  const ours: number[] = [];
  const theirs: number[] = [];
  let peakBigKiB = 0;
  for (let run = 0; run < runs; run++) {
    const ourRegistry = await startRegistry();
    const mine = await nativeInChild(hub.url, "huggingface://bench/big", `${ourRegistry.host}/bench/ours:v1`).finally(
      () => ourRegistry.stop(),
    );
    ours.push(mine.seconds);
    peakBigKiB = Math.max(peakBigKiB, mine.maxRssKiB);

    // Baseline: download every file with curl, write the layout from them, copy it with skopeo.
    const registry = await startRegistry();
    const downloads = join(work, `download-${run}`);
    const started = performance.now();
    const files = hub.files("bench/big");
    for (const file of files) {
      const curl = await exec("curl", [
        "-sSfL",
        "--create-dirs",
        "-o",
        join(downloads, file.path),
        `${hub.url}/bench/big/resolve/main/${file.path}`,
      ]);
      if (curl.status !== 0) throw new Error(`curl failed (install the Debian package curl): ${curl.stderr}`);
    }
    // The fixture writes each blob from the same seeded bytes the Hub served (checked below): a copy of the downloads.
    const layout = await writeModelpackLayout(
      join(work, `layout-${run}`),
      files.map((f) =>
        f.lfs
          ? { path: f.path, size: f.size, seed: `bench/big/${f.path}` }
          : { path: f.path, content: '{"model_type":"bench"}' },
      ),
    );
    for (const layer of layout.layers) {
      const file = files.find((f) => f.path === layer.path);
      if (layer.digest !== `sha256:${file?.sha256}`)
        throw new Error(`layout blob of ${layer.path} differs from the Hub's`);
    }
    const copy = await exec("skopeo", [
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${layout.dir}`,
      `docker://${registry.host}/bench/baseline:v1`,
    ]);
    const baselineSeconds = (performance.now() - started) / 1000;
    await registry.stop();
    await rm(downloads, { recursive: true, force: true });
    await rm(layout.dir, { recursive: true, force: true });
    if (copy.error || copy.status !== 0) {
      throw new Error(`skopeo copy failed (install the Debian package skopeo): ${copy.error?.message ?? copy.stderr}`);
    }
    theirs.push(baselineSeconds);
    process.stdout.write(
      `run ${run + 1}/${runs}: ours ${mine.seconds.toFixed(2)} s, baseline ${baselineSeconds.toFixed(2)} s\n`,
    );
  }
  const smallRegistry = await startRegistry();
  const small = await nativeInChild(
    hub.url,
    "huggingface://bench/small",
    `${smallRegistry.host}/bench/small:v1`,
  ).finally(() => smallRegistry.stop());
  const ratio = median(ours) / median(theirs);
  const growth = (peakBigKiB - small.maxRssKiB) / small.maxRssKiB;
  process.stdout.write(
    [
      `model: ${(big / mib).toFixed(0)} MiB in 3 files, ${runs} alternating runs each`,
      `median wall time: ours ${median(ours).toFixed(2)} s, baseline (curl + layout + skopeo copy) ${median(theirs).toFixed(2)} s`,
      `ratio ours/baseline (median): ${ratio.toFixed(2)} (target < 0.7)${ratio < 0.7 ? "" : " MISSED"}`,
      `our peak RSS: ${(peakBigKiB / 1024).toFixed(0)} MiB at ${(big / mib).toFixed(0)} MiB, ${(small.maxRssKiB / 1024).toFixed(0)} MiB at 256 MiB (target < 200 MiB)${peakBigKiB < 200 * 1024 ? "" : " MISSED"}`,
      `RSS growth 256 MiB -> ${(big / mib).toFixed(0)} MiB: ${(growth * 100).toFixed(1)}% (target <= 20%)${growth <= 0.2 ? "" : " MISSED"}`,
    ].join("\n") + "\n",
  );
} finally {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
}
