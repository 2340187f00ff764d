// One download, several registries, through the product's API (`POST /publish`, native mode, the bundled backend):
// (i) one publish with `references: [A1, A2, B1]` (two repositories of registry A, one of registry B) against one with
//     `[A1]` and against three publishes in a row (A1, A2, B1): wall time of the jobs (as the backend stamps them),
//     Hub bytes the Hub test server served, and which targets hold the artifact afterwards. Goal: three targets
//     <= 1.5x one target, each Hub file served once. A fresh backend and fresh registries per measurement,
//     alternating, so nothing is skipped or mounted from an earlier measurement.
// (ii) a publish to a second repository of the same registry after one to a first: Hub bytes, blob upload requests
//     and their body bytes, and cross-repository mounts, counted by a proxy in front of the registry, the first
//     repository's publish beside it. Goal: 0 Hub bytes and 0 blob bytes.
// BENCH_FANOUT_MIB (default 512) sizes the model (4 shards + config.json); BENCH_RUNS (default 3) the runs of (i).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "@model-publisher/contract";
import { startHubServer } from "../test/fixtures/hub-server.js";
import { shardedModel } from "../test/fixtures/sharded-model.js";
import { jobSeconds, publishThroughApi } from "../test/harness/api-publish.js";
import { startBackendProcess, type BackendProcess } from "../test/harness/backend-process.js";
import { startFaultProxy, type ProxyExchange } from "../test/harness/fault-proxy.js";
import { startRegistry, type RunningRegistry } from "../test/harness/registry.js";
import { goal, inMiB, median, mib } from "../test/harness/bench-figures.js";

const modelBytes = Math.round(Number(process.env.BENCH_FANOUT_MIB ?? "512") * mib);
const runs = Number(process.env.BENCH_RUNS ?? "3");
const model = "bench/fanout";
const ratioGoal = 1.5;

const work = await mkdtemp(join(tmpdir(), "mp-bench-fanout-"));
const hub = await startHubServer({
  models: [{ id: model, files: shardedModel(modelBytes, 4) }],
  blobCacheDir: join(work, "hub-blobs"),
});
const modelTotal = hub.files(model).reduce((sum, file) => sum + file.size, 0);
const hubBytes = () => [...hub.bytesServed.values()].reduce((sum, n) => sum + n, 0);

/** The bundle the product ships, freshly built, not the sources through tsx's loader. */
function buildBackend(): void {
  const built = spawnSync("npm", ["run", "--silent", "build", "-w", "backend"], { stdio: "inherit" });
  if (built.status !== 0) throw new Error("npm run build -w backend failed");
}

function startBackend(): Promise<BackendProcess> {
  return startBackendProcess({ bundled: true, env: { HF_ENDPOINT: hub.url, LOG_LEVEL: "warn" } });
}

/** Peak RSS of a running process (Linux `VmHWM`). */
function peakRssKiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
}

/** A native publish to these targets through the API; fails unless the job succeeded. */
async function publish(backend: BackendProcess, references: string[]): Promise<Job> {
  const job = await publishThroughApi(backend.address, {
    source: `huggingface://${model}`,
    references,
    mode: "native",
  });
  if (job.state !== "succeeded") {
    throw new Error(`publish to ${references.join(" ")} ${job.state}: ${job.error?.code} ${job.error?.message}`);
  }
  return job;
}

/** The manifest digest a registry holds under `host/repository:tag`, or undefined. */
async function heldDigest(reference: string): Promise<string | undefined> {
  const [host, rest] = [reference.slice(0, reference.indexOf("/")), reference.slice(reference.indexOf("/") + 1)];
  const [repository, tag] = rest.split(":") as [string, string];
  const res = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: "HEAD",
    headers: { Accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  return res.status === 200 ? (res.headers.get("docker-content-digest") ?? undefined) : undefined;
}

type Variant = "one target" | "three targets" | "three in a row";
interface Measured {
  seconds: number;
  hubBytes: number;
  /** Targets holding the first job's manifest afterwards. */
  held: number;
  targets: number;
  backendPeakKiB: number;
}

/** One measurement of a variant with a fresh backend and two fresh registries. */
async function measure(variant: Variant): Promise<Measured> {
  const registries: RunningRegistry[] = [await startRegistry(), await startRegistry()];
  const [a, b] = registries as [RunningRegistry, RunningRegistry];
  const backend = await startBackend();
  try {
    const all = [`${a.host}/bench/a:v1`, `${a.host}/bench/b:v1`, `${b.host}/bench/a:v1`];
    hub.bytesServed.clear();
    const jobs: Job[] = [];
    if (variant === "one target") jobs.push(await publish(backend, all.slice(0, 1)));
    if (variant === "three targets") jobs.push(await publish(backend, all));
    if (variant === "three in a row") for (const target of all) jobs.push(await publish(backend, [target]));
    const targets = variant === "one target" ? all.slice(0, 1) : all;
    const digest = jobs[0]?.result?.digest;
    const held = (await Promise.all(targets.map(heldDigest))).filter((d) => d !== undefined && d === digest).length;
    return {
      seconds: jobs.reduce((sum, job) => sum + jobSeconds(job), 0),
      hubBytes: hubBytes(),
      held,
      targets: targets.length,
      backendPeakKiB: peakRssKiB(backend.child.pid),
    };
  } finally {
    await backend.stop();
    for (const registry of registries) await registry.stop();
  }
}

/** What a publish moved into one repository, from the requests the proxy saw during it. */
interface Moved {
  seconds: number;
  hubBytes: number;
  uploadRequests: number;
  blobBytes: number;
  mountsTried: number;
  mounted: number;
}

function movedInto(repository: string, exchanges: ProxyExchange[], job: Job, hubBytesServed: number): Moved {
  const uploads = exchanges.filter((e) => e.url.startsWith(`/v2/${repository}/blobs/uploads/`));
  const mounts = uploads.filter((e) => e.method === "POST" && /[?&]mount=/.test(e.url));
  const sends = uploads.filter((e) => !mounts.includes(e) && ["POST", "PATCH", "PUT"].includes(e.method));
  return {
    seconds: jobSeconds(job),
    hubBytes: hubBytesServed,
    uploadRequests: sends.length,
    blobBytes: sends.reduce((sum, e) => sum + e.bodyBytes, 0),
    mountsTried: mounts.length,
    mounted: mounts.filter((e) => e.status === 201).length,
  };
}

/** (ii): one backend publishes to a first repository, then to a second one of the same registry. */
async function secondRepository(): Promise<{ first: Moved; second: Moved }> {
  const registry = await startRegistry();
  const proxy = await startFaultProxy({ host: "127.0.0.1", port: registry.port });
  const backend = await startBackend();
  try {
    const moved = async (repository: string): Promise<Moved> => {
      hub.bytesServed.clear();
      const before = proxy.exchanges().length;
      const job = await publish(backend, [`${proxy.host}/${repository}:v1`]);
      return movedInto(repository, proxy.exchanges().slice(before), job, hubBytes());
    };
    const first = await moved("bench/first");
    const second = await moved("bench/second");
    return { first, second };
  } finally {
    await backend.stop();
    await proxy.close();
    await registry.stop();
  }
}

function fanoutLines(results: Record<Variant, Measured[]>): string[] {
  const seconds = (variant: Variant) => median(results[variant].map((m) => m.seconds));
  const last = (variant: Variant) => results[variant][results[variant].length - 1] as Measured;
  const ratio = seconds("three targets") / seconds("one target");
  const rowRatio = seconds("three in a row") / seconds("one target");
  const fanout = last("three targets");
  const once = results["three targets"].every((m) => m.hubBytes === modelTotal);
  // Before fan-out, a several-target publish reaches its first target only: its figures are a one-target publish's.
  const meaningful = fanout.held === fanout.targets;
  const verdict = (met: boolean) => (meaningful ? goal(met) : "NOT MEANINGFUL (see NOTE)");
  const line = (variant: Variant, what: string) => {
    const m = last(variant);
    return (
      `  ${what}: ${seconds(variant).toFixed(2)} s (median), Hub bytes ${inMiB(m.hubBytes)} ` +
      `(${(m.hubBytes / modelTotal).toFixed(2)}x the model), ${m.held} of ${m.targets} targets hold the artifact, ` +
      `backend peak RSS ${(m.backendPeakKiB / 1024).toFixed(0)} MiB`
    );
  };
  const lines = [
    `(i) three targets on two registries against one target; A1 = registry A bench/a:v1, A2 = registry A bench/b:v1, ` +
      `B1 = registry B bench/a:v1; ${runs} alternating runs, a fresh backend and registries per measurement`,
    line("one target", "one publish, references [A1]"),
    line("three targets", "one publish, references [A1, A2, B1]"),
    line("three in a row", "three publishes in a row, A1 then A2 then B1"),
    `  ratio three targets/one target (median): ${ratio.toFixed(2)} (goal <= ${ratioGoal}) ${verdict(ratio <= ratioGoal)}; ` +
      `three in a row/one target: ${rowRatio.toFixed(2)}`,
    `  Hub bytes of the three-target publish: ${inMiB(fanout.hubBytes)} for a ${inMiB(modelTotal)} model ` +
      `(goal: each file once) ${verdict(once)}`,
  ];
  if (!meaningful) {
    lines.push(
      `  NOTE: only ${fanout.held} of ${fanout.targets} targets hold the artifact: this backend publishes to the first ` +
        `of the references only, so the three-target figures above measure a one-target publish.`,
    );
  }
  return lines;
}

function secondRepositoryLines({ first, second }: { first: Moved; second: Moved }): string[] {
  const line = (what: string, m: Moved) =>
    `  ${what}: ${m.seconds.toFixed(2)} s, Hub bytes ${inMiB(m.hubBytes)}, ${m.uploadRequests} blob upload requests ` +
    `carrying ${m.blobBytes} bytes, ${m.mounted} of ${m.mountsTried} mount requests answered 201`;
  const met = second.hubBytes === 0 && second.blobBytes === 0 && second.uploadRequests === 0;
  return [
    `(ii) a second repository on the same registry (one backend; requests counted by a proxy in front of the registry)`,
    line("first repository bench/first:v1", first),
    line("second repository bench/second:v1", second),
    `  ratio second/first repository: Hub bytes ${(second.hubBytes / first.hubBytes).toFixed(2)}, ` +
      `blob bytes ${(second.blobBytes / first.blobBytes).toFixed(2)}; second repository: ${second.hubBytes} Hub ` +
      `bytes, ${second.blobBytes} blob bytes (goal 0 and 0) ${goal(met)}`,
  ];
}

// Other work on the machine slows every side alike only roughly: the figures are judged with the load beside them.
const loadNote = `load average at start ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`;
try {
  buildBackend();
  const variants: Variant[] = ["one target", "three targets", "three in a row"];
  // Unmeasured: the first publish of a bench pays for cold caches (page cache, the bundle's first load).
  await measure("one target");
  const results: Record<Variant, Measured[]> = { "one target": [], "three targets": [], "three in a row": [] };
  for (let run = 0; run < runs; run++) {
    const line: string[] = [];
    for (const variant of variants) {
      const m = await measure(variant);
      results[variant].push(m);
      line.push(`${variant} ${m.seconds.toFixed(2)} s`);
    }
    process.stdout.write(`run ${run + 1}/${runs}: ${line.join(", ")}\n`);
  }
  const second = await secondRepository();
  process.stdout.write(
    [
      `model: ${inMiB(modelTotal)} in 4 shards + config.json, native mode through POST /publish; ${loadNote}`,
      ...fanoutLines(results),
      ...secondRepositoryLines(second),
    ].join("\n") + "\n",
  );
} finally {
  await hub.stop();
  await rm(work, { recursive: true, force: true });
}
