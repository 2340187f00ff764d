// 50 clients poll `/jobs/{id}/events?after=` (each following its own `next`) and `/jobs` while two publishes run;
// prints p50/p99 of those calls against the 100 ms target, next to two peers measured in the same run: `GET /health`
// under the same load, and the same calls with no load. Two kinds of round:
// - running builds (the target): each publish prints its 10 000 log lines at 1 000 lines a second, as a long build
//   does, so the clients follow two live jobs; the median of the rounds' p99 is checked against the target;
// - a burst (stress, no target): each build prints all 10 000 lines at once and the 50 clients catch up together
//   on 20 pages of 500 events each, on the same 2 cores as the builds and the registry.
// BENCH_LOAD_CLIENTS scales the clients; BENCH_RUNS (default 5) sets the running-build rounds (bursts: 3).
import { spawnSync } from "node:child_process";
import { JobEventsResponse } from "@model-publisher/contract";
import { startTinyHub } from "../test/fixtures/tiny-model.js";
import { startBackendProcess } from "../test/harness/backend-process.js";
import { percentile, runPollLoad, startLoadPublishes } from "../test/harness/poll-load.js";
import { startRegistry } from "../test/harness/registry.js";
import { median } from "../test/harness/bench-figures.js";

const clients = Number(process.env.BENCH_LOAD_CLIENTS ?? "50");
const targetMs = 100;
const runs = Number(process.env.BENCH_RUNS ?? "5");
const burstRuns = 3;

const hub = await startTinyHub();
const registry = await startRegistry();
// The bundle the product ships, freshly built, not the sources through tsx's loader.
const built = spawnSync("npm", ["run", "--silent", "build", "-w", "backend"], { stdio: "inherit" });
if (built.status !== 0) throw new Error("npm run build -w backend failed");
const backend = await startBackendProcess({
  bundled: true,
  env: { HF_ENDPOINT: hub.url, MODEL_PUBLISHER_CONCURRENCY: "2", LOG_LEVEL: "warn" },
});

async function timedGet(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  return performance.now() - t0;
}

type Scenario = "running" | "burst";

/** One loaded round: two fresh publishes with 10 000-line logs, followed by the clients until both are done. */
async function loadedRound(scenario: Scenario, round: number) {
  const ids = await startLoadPublishes({
    address: backend.address,
    registryHost: registry.host,
    name: scenario === "running" ? "standin-pacedlog" : "standin-biglog",
    tagPrefix: `${scenario}-${round}-`,
  });
  // The peer under the same load: a health check every 20 ms while the clients poll.
  const health: number[] = [];
  let loaded = true;
  const healthProbe = (async () => {
    while (loaded) {
      health.push(await timedGet(`${backend.address}/health`));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const load = await runPollLoad({ address: backend.address, jobIds: ids, clients, pageSize: 500, validate: false });
  loaded = false;
  await healthProbe;
  return { ids, health, load };
}

try {
  // Several rounds: a 2-core machine shared by clients, builders and registry makes one round's tail noisy.
  const results: Record<Scenario, Array<Awaited<ReturnType<typeof loadedRound>>>> = { running: [], burst: [] };
  for (let round = 0; round < runs; round++) results.running.push(await loadedRound("running", round));
  for (let round = 0; round < burstRuns; round++) results.burst.push(await loadedRound("burst", round));
  const p99sOf = (scenario: Scenario) =>
    results[scenario].map((r) => percentile([...r.load.latency.events, ...r.load.latency.jobs], 99));
  const { ids } = results.running[results.running.length - 1] as Awaited<ReturnType<typeof loadedRound>>;

  // The peer with no load: one client making the same calls on the finished jobs.
  const quiet = { events: [] as number[], jobs: [] as number[] };
  for (let round = 0; round < 100; round++) {
    for (const id of ids) {
      const after = (round * 97) % 10_000;
      quiet.events.push(await timedGet(`${backend.address}/jobs/${id}/events?after=${after}&limit=500`));
    }
    quiet.jobs.push(await timedGet(`${backend.address}/jobs?limit=20`));
  }
  const firstPage = await fetch(`${backend.address}/jobs/${ids[0]}/events?after=0&limit=1`)
    .then((res) => res.json())
    .then((body) => JobEventsResponse.parse(body));
  const quietAll = [...quiet.events, ...quiet.jobs];

  const row = (label: string, values: number[]) =>
    `  ${label.padEnd(42)} n=${String(values.length).padStart(6)}  p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms  p99 ${percentile(values, 99).toFixed(1).padStart(7)} ms`;
  const all = (scenario: Scenario, pick: (r: Awaited<ReturnType<typeof loadedRound>>) => number[]) =>
    results[scenario].flatMap(pick);
  const section = (scenario: Scenario, title: string) => {
    const p99s = p99sOf(scenario);
    const polled = all(scenario, (r) => [...r.load.latency.events, ...r.load.latency.jobs]);
    const health = all(scenario, (r) => r.health);
    return [
      `${title}: ${results[scenario].length} rounds, ${all(scenario, (r) => [r.load.polls]).reduce((a, b) => a + b, 0)} polls in ${all(
        scenario,
        (r) => [r.load.seconds],
      )
        .reduce((a, b) => a + b, 0)
        .toFixed(1)} s`,
      row(
        "events?after= under load",
        all(scenario, (r) => r.load.latency.events),
      ),
      row(
        "/jobs under load",
        all(scenario, (r) => r.load.latency.jobs),
      ),
      row(
        "both, time to first byte",
        all(scenario, (r) => r.load.firstByte),
      ),
      row("peer: /health under the same load", health),
      `  p99 of the polled calls per round: ${p99s.map((p) => p.toFixed(1)).join(", ")} ms (median ${median(p99s).toFixed(1)} ms)`,
      `  ratio p99 under load / p99 of /health under the same load: ${(percentile(polled, 99) / percentile(health, 99)).toFixed(2)}`,
    ];
  };
  const target = median(p99sOf("running"));
  process.stdout.write(
    [
      `${clients} clients, 2 publishes per round (first job's events start at seq ${firstPage.events[0]?.seq})`,
      ...section("running", "while two builds run (1 000 log lines a second each)"),
      ...section("burst", "burst (stress): 10 000 lines at once per build, all clients catching up together"),
      "with no load:",
      row("peer: events?after= with no load", quiet.events),
      row("peer: /jobs with no load", quiet.jobs),
      `median p99 of the polled calls while two builds run: ${target.toFixed(1)} ms against the ${targetMs} ms target: ${target <= targetMs ? "met" : "NOT met"}`,
      `ratio median p99 under load / p99 with no load: ${(target / percentile(quietAll, 99)).toFixed(2)}`,
      "",
    ].join("\n"),
  );
} finally {
  await backend.stop();
  await hub.stop();
  await registry.stop();
}
