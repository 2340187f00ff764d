// A 4 GiB model in 4 shards published natively from the Hub test server into a local registry, against the
// registry's own parallel ingest of the same 4 blobs (4 curl uploads at once, reading the Hub server's files from
// disk: no download, the floor of any publish into that registry); prints the wall-time ratio ours/ingest (goal
// <= 1.15). Then the peak RSS of the publishing process (its own process, bundled like the product) at 1 GiB and
// at 4 GiB of the same shape (4 shards, 4 transfers at once): each <= 200 MiB, and flat (4 GiB within 10% of 1 GiB).
// Alternating runs, a fresh registry per measurement. BENCH_SCALE_GIB (default 4; the small model is a quarter of it)
// and BENCH_RUNS (default 1) scale it.
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startHubServer, type HubServer } from "../test/fixtures/hub-server.js";
import { shardedModel } from "../test/fixtures/sharded-model.js";
import { runMeasuredChild, type MeasuredRun } from "../test/harness/measured-child.js";
import { startRegistry } from "../test/harness/registry.js";
import { ingestBlobsWithCurl } from "../test/harness/registry-ingest.js";
import { goal, inMiB, median, mib } from "../test/harness/bench-figures.js";

const gib = Number(process.env.BENCH_SCALE_GIB ?? "4");
const runs = Number(process.env.BENCH_RUNS ?? "1");
const shards = 4;
const ratioGoal = 1.15;
const rssGoalMiB = 200;
const flatGoal = 0.1;
const childScript = fileURLToPath(new URL("../test/harness/native-child.ts", import.meta.url));

/** Our native publish of `model` into a fresh registry, in its own measured process; Hub bytes it was served. */
async function publishNative(hub: HubServer, model: string): Promise<MeasuredRun & { hubBytes: number }> {
  const registry = await startRegistry();
  hub.bytesServed.clear();
  try {
    const run = await runMeasuredChild(childScript, [
      hub.url,
      `huggingface://${model}`,
      `${registry.host}/${model}:v1`,
    ]);
    return { ...run, hubBytes: [...hub.bytesServed.values()].reduce((sum, n) => sum + n, 0) };
  } finally {
    await registry.stop();
  }
}

/** The peer: the model's shards uploaded by curl into a fresh registry, all at once; answers seconds. */
async function ingestShards(hub: HubServer, model: string): Promise<number> {
  const registry = await startRegistry();
  try {
    const blobs = hub
      .files(model)
      .filter((file) => file.lfs)
      .map((file) => ({ file: file.diskPath, sha256: file.sha256 }));
    return await ingestBlobsWithCurl(registry.url, `${model}-ingest`, blobs);
  } finally {
    await registry.stop();
  }
}

// Other work on the machine slows every side alike only roughly: the figures are judged with the load beside them.
const loadNote = `load average at start ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
const work = await mkdtemp(join(tmpdir(), "mp-bench-scale-"));
const big = Math.round(gib * 1024 * mib);
const small = Math.round(big / 4);
process.stdout.write(`generating the Hub test server's files (${inMiB(big + small)}) under ${work}\n`);
const hub = await startHubServer({
  models: [
    { id: "bench/scale-big", files: shardedModel(big, shards) },
    { id: "bench/scale-small", files: shardedModel(small, shards) },
  ],
  blobCacheDir: join(work, "hub-blobs"),
});
try {
  const ours: number[] = [];
  const ingest: number[] = [];
  let bigPeakKiB = 0;
  let smallPeakKiB = 0;
  let hubBytes = 0;
  for (let run = 0; run < runs; run++) {
    const mine = await publishNative(hub, "bench/scale-big");
    ours.push(mine.seconds);
    bigPeakKiB = Math.max(bigPeakKiB, mine.maxRssKiB);
    hubBytes = Math.max(hubBytes, mine.hubBytes);
    const theirs = await ingestShards(hub, "bench/scale-big");
    ingest.push(theirs);
    const light = await publishNative(hub, "bench/scale-small");
    smallPeakKiB = Math.max(smallPeakKiB, light.maxRssKiB);
    process.stdout.write(
      `run ${run + 1}/${runs}: ours ${mine.seconds.toFixed(2)} s (peak RSS ${(mine.maxRssKiB / 1024).toFixed(0)} MiB), ` +
        `registry ingest ${theirs.toFixed(2)} s; ${inMiB(small)} model: peak RSS ${(light.maxRssKiB / 1024).toFixed(0)} MiB\n`,
    );
  }
  const ratio = median(ours) / median(ingest);
  const growth = (bigPeakKiB - smallPeakKiB) / smallPeakKiB;
  const bigPeakMiB = bigPeakKiB / 1024;
  const smallPeakMiB = smallPeakKiB / 1024;
  process.stdout.write(
    [
      `model: ${inMiB(big)} in ${shards} shards + config.json, ${runs} run(s), a fresh registry per measurement; ${loadNote}`,
      `ours: native publish from the Hub test server (download, hash, upload, manifest) ${median(ours).toFixed(2)} s, ` +
        `Hub bytes served ${inMiB(hubBytes)}`,
      `peer: the registry's own ingest of the same ${shards} blobs (${shards} curl PUTs at once from disk) ${median(ingest).toFixed(2)} s`,
      `ratio ours/ingest (median): ${ratio.toFixed(2)} (goal <= ${ratioGoal}) ${goal(ratio <= ratioGoal)}`,
      `peak RSS of the publishing process: ${smallPeakMiB.toFixed(0)} MiB at ${inMiB(small)}, ` +
        `${bigPeakMiB.toFixed(0)} MiB at ${inMiB(big)} (goal <= ${rssGoalMiB} MiB) ${goal(Math.max(bigPeakMiB, smallPeakMiB) <= rssGoalMiB)}`,
      `RSS ${inMiB(big)}/${inMiB(small)}: ${(bigPeakKiB / smallPeakKiB).toFixed(2)} ` +
        `(${growth >= 0 ? "+" : ""}${(bigPeakMiB - smallPeakMiB).toFixed(1)} MiB; flat: goal within ${flatGoal * 100}%) ${goal(growth <= flatGoal)}`,
    ].join("\n") + "\n",
  );
} finally {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
}
