// Crash safety (issue 7): the backend runs as its own process and is killed with SIGKILL at seeded random points of
// native and export publishes (by event count). After each restart the job store opens, the job is `interrupted`,
// the registry holds no half-done tag, its temp dir is gone, and the same request publishes. Then the store's WAL is
// torn (cut, overwritten, appended to) and the database itself damaged while the backend is down: it still starts.
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from "node:fs";
import { truncateSync, writeSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventsResponse, JobResponse, PublishResponse, type Job } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { processAlive, startRegistry, type RunningRegistry } from "../harness/registry.js";
import { startWireFaultProxy, type WireFaultProxy } from "../harness/wire-fault-proxy.js";
import { writeFigures } from "./figures.js";

const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
// Printed so a failing run can be replayed with CRASH_SEED=<seed>.
console.log(`crash.test.ts: CRASH_SEED=${seed}`);

/** mulberry32: a small seeded generator, enough to pick kill points reproducibly. */
function seeded(start: number): () => number {
  let a = start >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(seed);

type Mode = "native" | "export";
const killsPerMode = 5;

let hub: HubServer;
let registry: RunningRegistry;
let hubProxy: WireFaultProxy;
let registryProxy: WireFaultProxy;
let backend: BackendProcess;
const stateDir = mkdtempSync(join(tmpdir(), "mp-crash-"));
let env: Record<string, string>;
const points: Array<Record<string, string | number | boolean>> = [];
const torn: Array<Record<string, string | number | boolean>> = [];
let journalMode = "";

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  return (await callApi(backend.address, method, path, body)).body;
}

const getJob = async (id: string) => JobResponse.parse(await api("GET", `/jobs/${id}`)).job;

async function waitForEnd(id: string, seconds = 40): Promise<Job> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const job = await getJob(id);
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The run names of each mode: the full reference run, then the kill points. */
const runs = ["reference", ...Array.from({ length: killsPerMode }, (_, i) => `p${i}`)];

/**
 * A model per run, no blob shared: the backend mounts blobs it pushed to another repository of a registry, which
 * would make a run after the first move nothing and end before its kill point.
 */
function crashyModel(mode: Mode, run: string) {
  const id = crashyId(mode, run);
  return tinyModel({
    id,
    weights: 192 * KiB,
    configFile: JSON.stringify({ model_type: id }),
    extraFiles: [{ path: "tokenizer.json", content: JSON.stringify({ version: "1.0", model: id }) }],
  });
}

function crashyId(mode: Mode, run: string): string {
  return `acme/crashy-${mode}-${run}`;
}

function request(mode: Mode, repo: string, model: string) {
  return { source: `huggingface://${model}`, reference: `${registryProxy.host}/${repo}:t`, mode };
}

/** Publishes `model` (any of them, where the bytes it moves do not matter) to `repo`. */
async function publish(mode: Mode, repo: string, model = crashyId("native", "reference")): Promise<string> {
  return PublishResponse.parse(await api("POST", "/publish", request(mode, repo, model))).job.id;
}

/** SIGKILL: no handler runs, nothing is flushed or closed. Builds it left behind (export) go too. */
async function killBackend(): Promise<void> {
  const exited = new Promise<void>((resolve) => backend.child.once("exit", () => resolve()));
  backend.child.kill("SIGKILL");
  await exited;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(stateDir) && processAlive(Number(pid))) {
        process.kill(Number(pid), "SIGKILL");
      }
    } catch {
      // gone meanwhile
    }
  }
  await backend.stop({ keepState: true });
}

async function restart(): Promise<void> {
  backend = await startBackendProcess({ stateDir, env });
}

/** The manifest under repo:t, read from the registry itself: absent, or whole (every blob there). */
async function tagState(repo: string): Promise<"absent" | "whole" | "half"> {
  const res = await fetch(`${registry.url}/v2/${repo}/manifests/t`, {
    headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  if (res.status === 404) return "absent";
  const manifest = (await res.json()) as { config?: { digest: string }; layers?: Array<{ digest: string }> };
  for (const digest of [manifest.config?.digest, ...(manifest.layers ?? []).map((l) => l.digest)]) {
    if (!digest) return "half";
    const blob = await fetch(`${registry.url}/v2/${repo}/blobs/${digest}`, { method: "HEAD" });
    if (blob.status !== 200) return "half";
  }
  return "whole";
}

async function lastSeq(id: string): Promise<number> {
  const page = JobEventsResponse.parse(await api("GET", `/jobs/${id}/events?after=0&limit=1000`));
  return page.events.at(-1)?.seq ?? 0;
}

beforeAll(async () => {
  requireSkopeo();
  hub = await startHubServer({
    models: (["native", "export"] as const).flatMap((mode) => runs.map((run) => crashyModel(mode, run))),
  });
  registry = await startRegistry();
  const hubUrl = new URL(hub.url);
  hubProxy = await startWireFaultProxy({ host: hubUrl.hostname, port: Number(hubUrl.port) });
  registryProxy = await startWireFaultProxy({ host: "127.0.0.1", port: registry.port });
  // Slow wires spread a publish over a second or two, so kill points land in every phase.
  hubProxy.arm({ kind: "drip", bytesPerTick: 16 * 1024, tickMs: 60 }, { times: Infinity });
  registryProxy.arm({ kind: "drip", bytesPerTick: 32 * 1024, tickMs: 60 }, { times: Infinity });
  env = { HF_ENDPOINT: hubProxy.url, MODEL_PUBLISHER_STALL_TIMEOUT_SECONDS: "5", STANDIN_STATE_DIR: stateDir };
  await restart();
});

afterAll(async () => {
  if (backend) await killBackend().catch(() => undefined);
  await hubProxy?.close();
  await registryProxy?.close();
  await hub?.stop();
  await registry?.stop();
  await rm(stateDir, { recursive: true, force: true });
  const ok = (mode: Mode) => points.filter((p) => p.mode === mode && p.ok === true).length;
  writeFigures("crash", {
    title: "Crash safety (kill -9 and torn writes)",
    source: "test/reliability/crash.test.ts",
    passed: points.length >= 2 * killsPerMode && points.every((p) => p.ok === true) && torn.every((t) => t.ok === true),
    figures: [
      { label: "seed (CRASH_SEED)", value: seed },
      { label: "kill -9 points (native / export)", value: `${ok("native")} / ${ok("export")} of ${points.length}` },
      { label: "jobs interrupted after the restart", value: points.filter((p) => p.state === "interrupted").length },
      { label: "half-done tags left in the registry", value: points.filter((p) => p.tag === "half").length },
      {
        label: "retries that published (digest = skopeo inspect --raw)",
        value: points.filter((p) => p.retry === "succeeded").length,
      },
      { label: "store journal mode", value: journalMode },
      {
        label: "torn-write and damaged-store cases the backend started through",
        value: `${torn.filter((t) => t.ok === true).length} of ${torn.length}`,
      },
    ],
    rows: [...points.map((p) => ({ kind: "kill -9", ...p })), ...torn.map((t) => ({ kind: "store damage", ...t }))],
  });
});

describe("crash safety", () => {
  for (const mode of ["native", "export"] as const) {
    it(`${mode}: killed at ${killsPerMode} seeded points, the job is interrupted, no half tag, and a retry publishes`, async () => {
      // A full run first: how many events a publish of this model makes.
      const reference = await publish(mode, `crash/${mode}-reference`, crashyId(mode, "reference"));
      expect((await waitForEnd(reference)).state).toBe("succeeded");
      const total = await lastSeq(reference);
      expect(total).toBeGreaterThan(8);
      for (let i = 0; i < killsPerMode; i++) {
        // Between the first running event and the last before the result.
        const at = 2 + Math.floor(random() * (total - 4));
        const repo = `crash/${mode}-p${i}`;
        const id = await publish(mode, repo, crashyId(mode, `p${i}`));
        let seen = 0;
        while (seen < at) {
          seen = await lastSeq(id);
          const state = (await getJob(id)).state;
          if (state !== "queued" && state !== "running") break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const before = await getJob(id);
        await killBackend();
        await restart();
        const after = await getJob(id);
        const tag = await tagState(repo);
        const tmp = join(stateDir, "tmp");
        const leftovers = existsSync(tmp)
          ? readdirSync(tmp).filter((name) => name.startsWith(`job-${id.slice(0, 8)}`))
          : [];
        const retryId = await publish(mode, repo, crashyId(mode, `p${i}`));
        const retry = await waitForEnd(retryId);
        const digestOk =
          retry.state === "succeeded" && retry.result?.digest === skopeoRawDigest(`${registry.host}/${repo}:t`).digest;
        const finishedFirst = before.state === "succeeded";
        const ok =
          (finishedFirst
            ? after.state === "succeeded"
            : after.state === "interrupted" && after.error?.code === "interrupted") &&
          tag !== "half" &&
          leftovers.length === 0 &&
          digestOk;
        points.push({
          mode,
          point: i,
          "kill at event": at,
          "events seen": seen,
          "state before": before.state,
          state: after.state,
          tag,
          "temp left": leftovers.length,
          retry: retry.state,
          ok,
        });
        expect(after.state, `point ${i} (event ${at}, seed ${seed})`).toBe(finishedFirst ? "succeeded" : "interrupted");
        expect(tag, `point ${i}: tag`).not.toBe("half");
        expect(leftovers, `point ${i}: temp dirs`).toEqual([]);
        expect(digestOk, `point ${i}: retry ${retry.state} ${retry.error?.message ?? ""}`).toBe(true);
      }
      expect(points.filter((p) => p.mode === mode && p.state === "interrupted").length).toBeGreaterThanOrEqual(
        killsPerMode - 1,
      );
    }, 150_000);
  }

  it("the store is WAL and survives a torn WAL and a damaged database while the backend is down", async () => {
    const db = new Database(join(stateDir, "jobs.sqlite"), { readonly: true });
    journalMode = String(db.pragma("journal_mode", { simple: true }));
    db.close();
    expect(journalMode).toBe("wal");

    await waitForEnd(await publish("native", "crash/torn-before"));
    // A clean stop checkpoints the WAL: every job so far lives in the main file.
    const exited = new Promise<void>((resolve) => backend.child.once("exit", () => resolve()));
    backend.child.kill("SIGTERM");
    await exited;
    await backend.stop({ keepState: true });
    await restart();
    const committed = (await api("GET", "/jobs?limit=200")) as { jobs: Job[] };
    expect(committed.jobs.length).toBeGreaterThan(0);

    const wal = join(stateDir, "jobs.sqlite-wal");
    const cases: Array<[string, () => void]> = [
      ["WAL cut 1000 bytes short", () => truncateSync(wal, Math.max(0, statSync(wal).size - 1000))],
      [
        "WAL tail overwritten with garbage",
        () => {
          const fd = openSync(wal, "r+");
          const size = statSync(wal).size;
          const n = Math.min(4096, size);
          writeSync(fd, Buffer.alloc(n, 0xa5), 0, n, size - n);
          closeSync(fd);
        },
      ],
      ["garbage appended to the WAL", () => appendFileSync(wal, Buffer.alloc(8192, 0x5a))],
      [
        "database header overwritten",
        () => {
          const fd = openSync(join(stateDir, "jobs.sqlite"), "r+");
          writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
          closeSync(fd);
        },
      ],
    ];
    for (const [name, damage] of cases) {
      // One more publish lands in the WAL, then the backend dies with it unflushed.
      const id = await publish("native", `crash/torn-${torn.length}`);
      await waitForEnd(id);
      if (name === "database header overwritten") {
        // Stopped cleanly, so no WAL holds a good copy of page 1: the damage is what SQLite reads.
        const stopped = new Promise<void>((resolve) => backend.child.once("exit", () => resolve()));
        backend.child.kill("SIGTERM");
        await stopped;
        await backend.stop({ keepState: true });
      } else {
        await killBackend();
      }
      const walBytes = existsSync(wal) ? statSync(wal).size : 0;
      damage();
      let started = false;
      let earlierKept = false;
      let works = false;
      let movedAside = false;
      try {
        await restart();
        started = true;
        const jobs = ((await api("GET", "/jobs?limit=200")) as { jobs: Job[] }).jobs;
        const ids = new Set(jobs.map((j) => j.id));
        movedAside =
          /moved aside/.test(backend.output()) &&
          readdirSync(stateDir).some((f) => f.startsWith("jobs.sqlite.broken-"));
        earlierKept =
          name === "database header overwritten"
            ? movedAside && jobs.length === 0
            : committed.jobs.every((j) => ids.has(j.id));
        const check = await publish("native", `crash/torn-check-${torn.length}`);
        works = (await waitForEnd(check)).state === "succeeded";
      } catch (err) {
        torn.push({ case: name, "WAL bytes": walBytes, started, ok: false, error: String(err) });
        throw err;
      }
      const ok = started && earlierKept && works;
      torn.push({
        case: name,
        "WAL bytes": walBytes,
        started,
        "earlier jobs kept (or store moved aside)": earlierKept,
        "publishes after": works,
        ok,
      });
      expect(earlierKept, name).toBe(true);
      expect(works, name).toBe(true);
    }
  }, 120_000);
});
