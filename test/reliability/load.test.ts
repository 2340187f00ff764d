// Load (issue 7), correctness only (latency is measured by scripts/bench-load.ts): 50 clients poll every job's events
// with their own `next`, and `/jobs`, while two publishes with 10 000-line build logs run. No event is lost or
// duplicated: every client gets exactly seq 1..N of each job, N the job's final event count; every answer is 200.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventsResponse, JobResponse } from "@model-publisher/contract";
import type { HubServer } from "../fixtures/hub-server.js";
import { startTinyHub } from "../fixtures/tiny-model.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { runPollLoad, startLoadPublishes } from "../harness/poll-load.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { writeFigures } from "./figures.js";

const clients = 50;
let hub: HubServer;
let registry: RunningRegistry;
let backend: BackendProcess;
const figures = { polls: 0, events: 0, lost: -1, duplicated: -1, non200: -1, seconds: 0 };

beforeAll(async () => {
  requireSkopeo();
  hub = await startTinyHub();
  registry = await startRegistry();
  backend = await startBackendProcess({
    env: { HF_ENDPOINT: hub.url, MODEL_PUBLISHER_CONCURRENCY: "2", LOG_LEVEL: "warn" },
  });
});

afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
  await registry?.stop();
  writeFigures("load", {
    title: "Polling under load",
    source: "test/reliability/load.test.ts",
    passed: figures.lost === 0 && figures.duplicated === 0 && figures.non200 === 0,
    figures: [
      { label: "concurrent clients", value: clients },
      { label: "publishes running (export, 10 000-line build log each)", value: 2 },
      { label: "polls answered (/jobs/{id}/events and /jobs)", value: figures.polls },
      { label: "events per client (both jobs)", value: figures.events },
      { label: "events lost (all clients)", value: figures.lost },
      { label: "events duplicated (all clients)", value: figures.duplicated },
      { label: "answers other than 200", value: figures.non200 },
      { label: "seconds under load", value: Number(figures.seconds.toFixed(1)) },
    ],
  });
});

async function allEvents(id: string): Promise<number[]> {
  const seqs: number[] = [];
  for (let after = 0; ;) {
    const res = await fetch(`${backend.address}/jobs/${id}/events?after=${after}&limit=1000`);
    const page = JobEventsResponse.parse(await res.json());
    if (page.events.length === 0) return seqs;
    seqs.push(...page.events.map((event) => event.seq));
    after = page.next;
  }
}

describe("polling under load", () => {
  it(`${clients} clients following two publishes lose and duplicate no event`, async () => {
    const ids = await startLoadPublishes({
      address: backend.address,
      registryHost: registry.host,
      name: "standin-biglog",
    });
    const load = await runPollLoad({ address: backend.address, jobIds: ids, clients, pageSize: 500 });
    figures.polls = load.polls;
    figures.seconds = load.seconds;
    figures.non200 = [...load.statuses].filter(([status]) => status !== 200).reduce((sum, [, n]) => sum + n, 0);

    let lost = 0;
    let duplicated = 0;
    for (const id of ids) {
      const job = JobResponse.parse(await (await fetch(`${backend.address}/jobs/${id}`)).json()).job;
      expect(job.state, JSON.stringify(job.error)).toBe("succeeded");
      const final = await allEvents(id);
      // The store's own numbering is contiguous, and it is what every client must have seen.
      expect(final).toEqual(Array.from({ length: final.length }, (_, i) => i + 1));
      expect(final.length).toBeGreaterThan(10_000);
      for (const client of load.clients) {
        const seen = client.seqs.get(id) ?? [];
        const unique = new Set(seen);
        duplicated += seen.length - unique.size;
        lost += final.filter((seq) => !unique.has(seq)).length;
        expect(seen).toEqual(final);
      }
    }
    figures.events = load.clients[0] ? [...load.clients[0].seqs.values()].reduce((sum, s) => sum + s.length, 0) : 0;
    figures.lost = lost;
    figures.duplicated = duplicated;
    expect(figures.non200).toBe(0);
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
  });
});
