import { randomBytes } from "node:crypto";
import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PublishRequest, type JobEvent } from "@model-publisher/contract";
import { JobStore } from "./job-store.js";

const request = PublishRequest.parse({
  source: "huggingface://acme/tiny",
  reference: "127.0.0.1:5000/acme/tiny:1",
  mode: "export",
});

let dir: string;
let store: JobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "job-store-"));
  store = JobStore.open(dir);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("JobStore", () => {
  it("opens in WAL mode", () => {
    const db = new Database(store.file, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    db.close();
  });

  it("creates a queued job with a first state event", () => {
    const job = store.create(request, "export");
    expect(job).toMatchObject({ state: "queued", mode: "export", request, progress: { phase: "queued" } });
    expect(store.events(job.id, 0, 10)).toMatchObject([{ seq: 1, type: "state", state: "queued" }]);
  });

  it("numbers events contiguously per job and answers them after a seq", () => {
    const a = store.create(request, "export");
    const b = store.create(request, "direct");
    store.append(a.id, [
      { type: "state", state: "running" },
      { type: "log", line: "one" },
    ]);
    store.append(b.id, [{ type: "log", line: "other" }]);
    store.append(a.id, [{ type: "log", line: "two" }]);
    expect(store.events(a.id, 0, 100).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(store.events(b.id, 0, 100).map((e) => e.seq)).toEqual([1, 2]);
    expect(store.events(a.id, 2, 100).map((e) => (e.type === "log" ? e.line : e.type))).toEqual(["one", "two"]);
    expect(store.events(a.id, 0, 2).map((e) => e.seq)).toEqual([1, 2]);
    expect(store.lastSeq(a.id)).toBe(4);
  });

  it("answers event texts equal to the events, from memory while running and from the database once finished", async () => {
    const keep = JobStore.finishedEventsInMemoryMs;
    JobStore.finishedEventsInMemoryMs = 0;
    const job = store.create(request, "export");
    store.append(job.id, [
      { type: "state", state: "running" },
      { type: "log", line: 'a "quoted" line\n', stream: "stderr" },
      { type: "bytes", id: "sha256:x", done: 5, total: 10, status: "uploading" },
    ]);
    const asJson = (after: number, limit: number) => store.events(job.id, after, limit).map((e) => JSON.stringify(e));
    const parsedTexts = (after: number, limit: number) =>
      store.eventTexts(job.id, after, limit).texts.map((t) => JSON.stringify(JSON.parse(t) as JobEvent));
    expect(parsedTexts(0, 100)).toEqual(asJson(0, 100));
    expect(store.eventTexts(job.id, 1, 2)).toMatchObject({ last: 3 });
    expect(parsedTexts(1, 2)).toEqual(asJson(1, 2));
    expect(store.eventTexts(job.id, 4, 10)).toEqual({ texts: [], last: 4 });
    store.append(job.id, [{ type: "state", state: "failed" }], { error: { code: "build_failed", message: "x" } });
    expect(parsedTexts(0, 100)).toEqual(asJson(0, 100));
    await new Promise((resolve) => setTimeout(resolve, 5));
    JobStore.finishedEventsInMemoryMs = keep;
    expect(parsedTexts(0, 100)).toEqual(asJson(0, 100));
    expect(parsedTexts(0, 100)).toHaveLength(5);
    expect(store.eventTexts(job.id, 3, 100).last).toBe(5);
    expect(store.state(job.id)).toBe("failed");
    expect(store.state("nope")).toBeUndefined();
  });

  it("applies state, progress, error and result to the job record", () => {
    const job = store.create(request, "export");
    store.append(job.id, [
      { type: "state", state: "running" },
      { type: "step", id: "v1", name: "download", status: "started" },
    ]);
    expect(store.get(job.id)).toMatchObject({
      state: "running",
      progress: { phase: "building", step: "download", stepsDone: 0, stepsTotal: 1 },
    });
    expect(store.get(job.id)?.startedAt).toBeDefined();
    const result = { reference: "r", digest: "sha256:ab", mediaType: "m", totalSize: 3 };
    store.append(job.id, [
      { type: "result", result },
      { type: "state", state: "succeeded" },
    ]);
    const done = store.get(job.id);
    expect(done).toMatchObject({ state: "succeeded", result, progress: { phase: "done" } });
    expect(done?.finishedAt).toBeDefined();

    const failed = store.create(request, "export");
    store.append(failed.id, [{ type: "state", state: "failed" }], { error: { code: "build_failed", message: "boom" } });
    expect(store.get(failed.id)).toMatchObject({ state: "failed", error: { code: "build_failed", message: "boom" } });
  });

  it("lists newest first and pages with before", () => {
    const ids = [1, 2, 3, 4, 5].map(() => store.create(request, "export").id);
    expect(store.list({ limit: 10 }).map((j) => j.id)).toEqual([...ids].reverse());
    expect(store.list({ limit: 2 }).map((j) => j.id)).toEqual([ids[4], ids[3]]);
    expect(store.list({ limit: 2, before: ids[3] }).map((j) => j.id)).toEqual([ids[2], ids[1]]);
    expect(store.list({ limit: 2, before: "nope" })).toEqual([]);
  });

  it("answers the list text of the current jobs after each write, its own or another connection's", () => {
    const listed = () => JSON.parse(store.listText({ limit: 10 })) as Array<{ id: string; progress: unknown }>;
    const first = store.create(request, "export");
    expect(listed().map((j) => j.id)).toEqual([first.id]);
    expect(store.listText({ limit: 10 })).toBe(JSON.stringify(store.list({ limit: 10 })));
    store.append(first.id, [{ type: "state", state: "running" }]);
    expect(store.listText({ limit: 10 })).toBe(JSON.stringify(store.list({ limit: 10 })));
    expect(JSON.parse(store.listText({ limit: 10, before: first.id }))).toEqual([]);
    // Another process (a CLI sharing STATE_DIR) writes through its own connection.
    const other = new JobStore(store.file);
    const second = other.create(request, "native");
    other.close();
    expect(listed().map((j) => j.id)).toEqual([second.id, first.id]);
    expect(JSON.parse(store.listText({ limit: 1 }))).toEqual(JSON.parse(JSON.stringify(store.list({ limit: 1 }))));
  });

  it("tells subscribers about appended events", () => {
    const job = store.create(request, "export");
    const seen: JobEvent[] = [];
    const stop = store.subscribe(job.id, (_job, events) => seen.push(...events));
    store.append(job.id, [{ type: "log", line: "a" }]);
    stop();
    store.append(job.id, [{ type: "log", line: "b" }]);
    expect(seen.map((e) => e.seq)).toEqual([2]);
  });

  it("keeps jobs and events across a reopen and marks unfinished ones interrupted", () => {
    const finished = store.create(request, "export");
    store.append(finished.id, [
      { type: "state", state: "running" },
      { type: "log", line: "built" },
      { type: "state", state: "succeeded" },
    ]);
    const running = store.create(request, "direct");
    store.append(running.id, [
      { type: "state", state: "running" },
      { type: "step", id: "v", name: "download", status: "started" },
    ]);
    const queued = store.create(request, "export");
    store.close();

    store = JobStore.open(dir);
    expect(store.recover().interrupted).toEqual([running.id, queued.id]);
    expect(store.get(finished.id)?.state).toBe("succeeded");
    expect(store.events(finished.id, 0, 10)).toHaveLength(4);
    for (const id of [running.id, queued.id]) {
      const job = store.get(id);
      expect(job).toMatchObject({ state: "interrupted", error: { code: "interrupted" } });
      expect(job?.finishedAt).toBeDefined();
      expect(store.events(id, 0, 100).at(-1)).toMatchObject({ type: "state", state: "interrupted" });
    }
    expect(store.get(running.id)?.progress).toMatchObject({ phase: "interrupted", stepsTotal: 1 });
    expect(store.recover().interrupted).toEqual([]);
  });
});

describe("JobStore after a crash or a damaged disk", () => {
  /** The files as a killed process leaves them: copied while the store is still open (WAL not checkpointed). */
  function crashCopy(): string {
    const copy = join(dir, "crashed");
    mkdirSync(copy);
    for (const suffix of ["", "-wal", "-shm"]) {
      const from = `${store.file}${suffix}`;
      if (existsSync(from)) copyFileSync(from, join(copy, `jobs.sqlite${suffix}`));
    }
    return copy;
  }

  function finishedJob(): string {
    const job = store.create(request, "native");
    store.append(job.id, [
      { type: "state", state: "running" },
      { type: "state", state: "succeeded" },
    ]);
    return job.id;
  }

  it.each([
    ["the WAL's last frame cut short", (wal: string) => truncateSync(wal, statSync(wal).size - 700)],
    ["garbage appended to the WAL", (wal: string) => appendFileSync(wal, randomBytes(5000))],
    [
      "the WAL's tail overwritten with garbage",
      (wal: string) => {
        const fd = openSync(wal, "r+");
        writeSync(fd, randomBytes(2000), 0, 2000, statSync(wal).size - 2000);
        closeSync(fd);
      },
    ],
  ])("%s: opens with every job committed before the torn write", (_name, tear) => {
    const early = [finishedJob(), finishedJob()];
    // Checkpointed into the main file, as a long-running backend's history mostly is.
    const second = new Database(store.file);
    second.pragma("wal_checkpoint(TRUNCATE)");
    second.close();
    const late = finishedJob();
    const copy = crashCopy();
    expect(statSync(join(copy, "jobs.sqlite-wal")).size).toBeGreaterThan(2000);
    tear(join(copy, "jobs.sqlite-wal"));

    const reopened = JobStore.open(copy);
    try {
      for (const id of early) expect(reopened.get(id)?.state).toBe("succeeded");
      // The last job lost whole transactions at most: its record always agrees with the events that survived.
      const lateJob = reopened.get(late);
      if (lateJob) {
        const events = reopened.events(late, 0, 10);
        expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
        expect(reopened.lastSeq(late)).toBe(events.length);
        expect(events.filter((e) => e.type === "state").at(-1)).toMatchObject({ state: lateJob.state });
      }
      expect(reopened.create(request, "export").state).toBe("queued");
    } finally {
      reopened.close();
    }
  });

  it("moves a database SQLite cannot read aside and starts a fresh one", () => {
    finishedJob();
    store.close();
    const file = join(dir, "jobs.sqlite");
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(100, 0x41), 0, 100, 0);
    closeSync(fd);
    const broken: Array<{ movedTo: string; reason: string }> = [];
    store = JobStore.open(dir, { onBroken: (b) => broken.push(b) });
    expect(broken).toHaveLength(1);
    expect(broken[0]?.movedTo).toMatch(/jobs\.sqlite\.broken-/);
    expect(readFileSync(broken[0]?.movedTo as string).subarray(0, 100)).toEqual(Buffer.alloc(100, 0x41));
    expect(store.list({ limit: 10 })).toEqual([]);
    expect(store.create(request, "export").state).toBe("queued");
  });
});
