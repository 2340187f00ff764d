// Pushes a 1 GiB ModelPack layout with our layout pusher and with `skopeo copy --preserve-digests`, alternating,
// to the same local registry; prints the median wall-time ratio ours/skopeo and our peak RSS.
// BENCH_PUSH_GIB (default 1) and BENCH_RUNS (default 3) scale it.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRegistry } from "../test/harness/registry.js";
import { pushInChild } from "../test/harness/measured-child.js";
import { writeModelpackLayout } from "../test/fixtures/modelpack-layout.js";
import { median, mib } from "../test/harness/bench-figures.js";

const gib = Number(process.env.BENCH_PUSH_GIB ?? "1");
const runs = Number(process.env.BENCH_RUNS ?? "3");

const work = await mkdtemp(join(tmpdir(), "mp-bench-push-"));
try {
  const total = Math.round(gib * 1024 * mib);
  const layout = await writeModelpackLayout(join(work, "layout"), [
    { path: "model-00001-of-00002.safetensors", size: Math.round(total * 0.75) },
    { path: "model-00002-of-00002.safetensors", size: total - Math.round(total * 0.75) },
    { path: "config.json", content: '{"model_type":"bench"}' },
  ]);
  const ours: number[] = [];
  const theirs: number[] = [];
  let peakRssKiB = 0;
  let peakGrowthKiB = 0;
  for (let run = 0; run < runs; run++) {
    // A fresh registry per push: neither side can skip or mount blobs (skopeo remembers blob locations).
    const ourRegistry = await startRegistry();
    const mine = await pushInChild(layout.dir, `${ourRegistry.host}/bench/ours:v1`).finally(() => ourRegistry.stop());
    if (mine.digest !== layout.manifestDigest) throw new Error(`digest mismatch: ${mine.digest}`);
    ours.push(mine.seconds);
    peakRssKiB = Math.max(peakRssKiB, mine.maxRssKiB);
    peakGrowthKiB = Math.max(peakGrowthKiB, mine.maxRssKiB - mine.baselineRssKiB);

    const registry = await startRegistry();
    const started = performance.now();
    const copy = spawnSync(
      "skopeo",
      [
        "copy",
        "--preserve-digests",
        "--dest-tls-verify=false",
        `oci:${layout.dir}`,
        `docker://${registry.host}/bench/skopeo:v1`,
      ],
      { encoding: "utf8" },
    );
    const skopeoSeconds = (performance.now() - started) / 1000;
    await registry.stop();
    if (copy.error || copy.status !== 0) {
      throw new Error(`skopeo copy failed (install the Debian package skopeo): ${copy.error?.message ?? copy.stderr}`);
    }
    theirs.push(skopeoSeconds);
    process.stdout.write(
      `run ${run + 1}/${runs}: ours ${ours.at(-1)?.toFixed(2)} s, skopeo ${theirs.at(-1)?.toFixed(2)} s\n`,
    );
  }
  const ratio = median(ours) / median(theirs);
  process.stdout.write(
    [
      `layout: ${(layout.totalBytes / mib).toFixed(0)} MiB, ${runs} alternating runs each`,
      `median wall time: ours ${median(ours).toFixed(2)} s, skopeo ${median(theirs).toFixed(2)} s`,
      `ratio ours/skopeo (median): ${ratio.toFixed(2)}`,
      `our peak RSS: ${(peakRssKiB / 1024).toFixed(0)} MiB (growth during push ${(peakGrowthKiB / 1024).toFixed(0)} MiB)`,
    ].join("\n") + "\n",
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
