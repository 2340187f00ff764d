import { describe, expect, it } from "vitest";
import type { JobEvent, JobProgress, JobState, NewJobEvent, StepStatus } from "./publish.js";
import { emptyJobFold, foldAll, foldJobEvents, foldKey, logWindow } from "./progress.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
/** Numbers and stamps events `ms` apart, the way the store does. */
function events(list: Array<NewJobEvent & { ms?: number }>): JobEvent[] {
  return list.map(({ ms, ...event }, index) => ({
    ...event,
    seq: index + 1,
    at: new Date(t0 + (ms ?? index * 100)).toISOString(),
  })) as JobEvent[];
}

type Timed = NewJobEvent & { ms?: number };
const state = (value: JobState): Timed => ({ type: "state", state: value });
const step = (id: string, name: string, status: StepStatus): Timed => ({ type: "step", id, name, status });
/** BuildKit vertexes by short id, for `vertexSteps`. */
const vertexes: Record<string, string> = {
  a: "[internal] load frontend",
  b: "resolve model",
  c: "download model.safetensors",
  d: "download config.json",
};
/** Step events of the vertexes above, from "<id> <status>" words. */
const vertexSteps = (...moves: string[]): Timed[] =>
  moves.map((move) => {
    const [id = "", status = ""] = move.split(" ");
    return step(`sha256:${id}`, vertexes[id] ?? id, status as StepStatus);
  });
/** Bytes of file `id` done at `ms`, with its total when the event carries one. */
const bytes = (id: string, done: number, ms: number, total?: number): Timed => ({
  type: "bytes",
  id,
  done,
  ms,
  ...(total !== undefined ? { total } : {}),
});

const cases: Array<{ name: string; events: JobEvent[]; want: JobProgress }> = [
  { name: "nothing yet", events: [], want: { phase: "queued" } },
  {
    name: "running job before any step",
    events: events([state("queued"), state("running")]),
    want: { phase: "starting" },
  },
  {
    name: "steps started and completed count done/total; current step is the latest running",
    events: events([
      state("running"),
      ...vertexSteps("a started", "a completed", "b cached", "c started", "d started"),
    ]),
    want: { phase: "building", stepsDone: 2, stepsTotal: 4, step: "download config.json" },
  },
  {
    name: "current step falls back to an earlier one still running",
    events: events(vertexSteps("c started", "d started", "d completed")),
    want: { phase: "building", stepsDone: 1, stepsTotal: 2, step: "download model.safetensors" },
  },
  {
    name: "an errored step counts as finished",
    events: events([
      step("sha256:c", "download", "started"),
      { type: "step", id: "sha256:c", name: "download", status: "errored", error: "exit code 1" },
      state("failed"),
    ]),
    want: { phase: "failed", stepsDone: 1, stepsTotal: 1 },
  },
  {
    name: "bytes sum over files, rate over the window, eta from the rest",
    events: events([bytes("a", 0, 0, 1000), bytes("b", 0, 0, 3000), bytes("a", 1000, 1000), bytes("b", 1000, 2000)]),
    want: { phase: "queued", bytesDone: 2000, bytesTotal: 4000, rate: 1000, etaSeconds: 2 },
  },
  {
    name: "old samples leave the rate window",
    events: events([
      bytes("a", 0, 0, 100_000),
      bytes("a", 90_000, 1_000),
      bytes("a", 91_000, 10_000),
      bytes("a", 92_000, 11_000),
    ]),
    want: { phase: "queued", bytesDone: 92_000, bytesTotal: 100_000, rate: 1000, etaSeconds: 8 },
  },
  {
    name: "one sample gives no rate",
    events: events([bytes("a", 4096, 0, 8192)]),
    want: { phase: "queued", bytesDone: 4096, bytesTotal: 8192 },
  },
  {
    name: "the rate is bytes per second between the window's first and last samples",
    events: events([bytes("a", 0, 0), bytes("a", 4096, 2000)]),
    want: { phase: "queued", bytesDone: 4096, rate: 2048 },
  },
  {
    name: "a sample long ago leaves no trace in the rate",
    events: events([bytes("a", 0, 0), bytes("a", 100, 20_000), bytes("a", 2100, 22_000)]),
    want: { phase: "queued", bytesDone: 2100, rate: 1000 },
  },
  {
    name: "an unknown total leaves bytesTotal and eta out",
    events: events([bytes("a", 10, 0, 100), bytes("b", 10, 1000)]),
    want: { phase: "queued", bytesDone: 20, rate: 10 },
  },
  {
    name: "a backend phase step names the phase",
    events: events([
      state("running"),
      step("sha256:a", "build", "completed"),
      step("phase:pushing", "push the layout", "started"),
    ]),
    want: { phase: "pushing", stepsDone: 1, stepsTotal: 2, step: "push the layout" },
  },
  {
    name: "success completes running steps and drops rate",
    events: events([
      state("running"),
      step("phase:verifying", "verify", "started"),
      bytes("a", 0, 0, 10),
      bytes("a", 10, 1000),
      {
        type: "result",
        result: { reference: "r", digest: "sha256:x", mediaType: "m", totalSize: 10 },
      },
      state("succeeded"),
    ]),
    want: { phase: "done", stepsDone: 1, stepsTotal: 1, bytesDone: 10, bytesTotal: 10 },
  },
  {
    name: "log lines change nothing",
    events: events([state("running"), { type: "log", line: "hello", stream: "stderr" }]),
    want: { phase: "starting" },
  },
];

describe("the job progress fold", () => {
  it.each(cases)("$name", ({ events: list, want }) => {
    expect(foldAll(list).progress).toEqual(want);
  });

  it("is pure: folding twice gives the same answer and leaves the events alone", () => {
    const list = cases[2]!.events;
    const copy = structuredClone(list);
    expect(foldAll(list)).toEqual(foldAll(list));
    expect(list).toEqual(copy);
  });
});

describe("the progress page's view", () => {
  it("folds states, steps with errors, per-file bytes with names and status, and the result", () => {
    const list = events([
      { type: "state", state: "running" },
      { type: "step", id: "plan", name: "Plan layers", status: "started" },
      { type: "bytes", id: "a", name: "model.safetensors", done: 0, total: 100, status: "downloading" },
      { type: "bytes", id: "b", name: "config.json", done: 10, total: 10, status: "skipped" },
      { type: "step", id: "plan", name: "Plan layers", status: "completed" },
      { type: "step", id: "fetch", name: "Fetch", status: "errored", error: "exit code 1" },
      { type: "bytes", id: "a", done: 60 },
      { type: "bytes", id: "c", done: 5 },
    ]);
    const fold = foldAll(list);
    expect(fold.next).toBe(8);
    expect(fold.state).toBe("running");
    expect([...fold.steps.values()]).toEqual([
      { id: "plan", name: "Plan layers", status: "completed", order: 1 },
      { id: "fetch", name: "Fetch", status: "errored", error: "exit code 1", order: 3 },
    ]);
    expect([...fold.files.values()]).toEqual([
      { id: "a", name: "model.safetensors", done: 60, total: 100, status: "downloading" },
      { id: "b", name: "config.json", done: 10, total: 10, status: "skipped" },
      { id: "c", name: "c", done: 5 },
    ]);
    const done = foldJobEvents(fold, [
      {
        seq: 9,
        at: new Date(t0 + 5000).toISOString(),
        type: "result",
        result: { reference: "r", digest: "sha256:x", mediaType: "m", totalSize: 110 },
      },
      { seq: 10, at: new Date(t0 + 5000).toISOString(), type: "state", state: "succeeded" },
    ]);
    expect(done.state).toBe("succeeded");
    expect(done.result?.digest).toBe("sha256:x");
    expect(fold.state).toBe("running");
    expect(fold.result).toBeUndefined();
  });

  it("keeps steps and files in the order they first appeared, whatever their ids", () => {
    const fold = foldAll(
      events([
        { type: "step", id: "z", name: "first", status: "started" },
        { type: "step", id: "2", name: "second", status: "started" },
        { type: "step", id: "z", name: "first", status: "completed" },
        { type: "bytes", id: "y", done: 1 },
        { type: "bytes", id: "1", done: 1 },
      ]),
    );
    expect([...fold.steps.keys()]).toEqual(["z", "2"]);
    expect([...fold.files.keys()]).toEqual(["y", "1"]);
  });

  it("keeps each target's steps and bytes apart and counts the shared download once", () => {
    const fold = foldAll(
      events([
        { type: "step", id: "phase:manifest", name: "Push", status: "started", target: "r1/a:1" },
        { type: "step", id: "phase:manifest", name: "Push", status: "errored", error: "down", target: "r2/a:1" },
        { type: "bytes", id: "sha256:f", name: "w", done: 40, total: 100, status: "downloading" },
        { type: "bytes", id: "sha256:f", name: "w", done: 40, total: 100, status: "uploading", target: "r1/a:1" },
        { type: "bytes", id: "sha256:f", name: "w", done: 30, total: 100, status: "uploading", target: "r2/a:1" },
      ]),
    );
    expect(fold.steps.get(foldKey({ id: "phase:manifest", target: "r1/a:1" }))?.status).toBe("started");
    expect(fold.steps.get(foldKey({ id: "phase:manifest", target: "r2/a:1" }))).toMatchObject({
      status: "errored",
      target: "r2/a:1",
    });
    expect([...fold.targetFiles.values()].map((file) => [file.target, file.done])).toEqual([
      ["r1/a:1", 40],
      ["r2/a:1", 30],
    ]);
    // The file counts once, as far as the target still going (r1) has it; r2 failed.
    expect([...fold.files.values()].map((file) => file.done)).toEqual([40]);
    expect(fold.progress).toMatchObject({ bytesDone: 40, bytesTotal: 100 });
  });

  it("counts a blob pushed to each target as far as the target furthest behind (a push per target)", () => {
    const fold = foldAll(
      events([
        { type: "bytes", id: "sha256:f", done: 10, total: 100, target: "r1/a:1" },
        { type: "bytes", id: "sha256:f", done: 20, total: 100, target: "r2/a:1" },
      ]),
    );
    expect(fold.progress).toMatchObject({ bytesDone: 10, bytesTotal: 100 });
  });

  it("keeps a bounded log window but counts every line", () => {
    const lines = events(Array.from({ length: 10_000 }, (_, i) => ({ type: "log", line: `line ${i}` }) as const));
    let fold = emptyJobFold;
    for (let i = 0; i < lines.length; i += 1000) fold = foldJobEvents(fold, lines.slice(i, i + 1000));
    expect(fold.logLines).toBe(10_000);
    expect(fold.log).toHaveLength(logWindow);
    expect(fold.log[0]).toBe(`line ${10_000 - logWindow}`);
    expect(fold.log[logWindow - 1]).toBe("line 9999");
  });

  it("gives the same fold whether the events come one at a time or all at once", () => {
    for (const { events: list } of cases) {
      const oneByOne = list.reduce((fold, event) => foldJobEvents(fold, [event]), emptyJobFold);
      expect(oneByOne).toEqual(foldAll(list));
    }
  });
});

describe("a several-target publish", () => {
  const a = "localhost:5000/acme/tiny:1";
  const b = "localhost:5001/acme/tiny:1";
  const toTarget = (target: string, id: string, done: number, ms: number, total?: number): Timed => ({
    ...(bytes(id, done, ms, total) as Extract<NewJobEvent, { type: "bytes" }>),
    target,
  });
  const targetStep = (target: string, id: string, status: StepStatus, error?: string): Timed => ({
    type: "step",
    id,
    name: id,
    status,
    target,
    ...(error ? { error } : {}),
  });

  it("counts each file once, as far as the target furthest behind has it", () => {
    const fold = foldAll(
      events([
        toTarget(a, "w", 0, 0, 1000),
        toTarget(b, "w", 0, 0, 1000),
        toTarget(a, "w", 800, 1000),
        toTarget(b, "w", 300, 1000),
      ]),
    );
    expect([...fold.files.values()]).toEqual([{ id: "w", name: "w", done: 300, total: 1000 }]);
    expect(fold.progress).toMatchObject({ bytesDone: 300, bytesTotal: 1000 });
    expect(fold.targets).toEqual([a, b]);
    expect([...fold.targetFiles.values()].map((file) => [file.target, file.done])).toEqual([
      [a, 800],
      [b, 300],
    ]);
  });

  it.each<[string, number, number | undefined]>([
    ["the others finish after it failed", 0, 1000],
    ["they had finished before it failed", 1000, undefined],
  ])("leaves a failed target out of the file's count: %s", (_name, startA, endA) => {
    const fold = foldAll(
      events([
        toTarget(a, "w", startA, 0, 1000),
        toTarget(b, "w", 100, 0, 1000),
        targetStep(b, "phase:uploading", "errored", "connection refused"),
        ...(endA !== undefined ? [toTarget(a, "w", endA, 1000)] : []),
      ]),
    );
    expect(fold.files.get("w")?.done).toBe(1000);
    expect(fold.progress).toMatchObject({ bytesDone: 1000, bytesTotal: 1000 });
  });

  it("keeps each target's steps apart when their ids repeat", () => {
    const fold = foldAll(
      events([
        targetStep(a, "phase:manifest", "started"),
        targetStep(b, "phase:manifest", "started"),
        targetStep(a, "phase:manifest", "completed"),
      ]),
    );
    expect([...fold.steps.values()].map((s) => [s.target, s.status])).toEqual([
      [a, "completed"],
      [b, "started"],
    ]);
    expect(fold.progress).toMatchObject({ stepsDone: 1, stepsTotal: 2 });
  });

  it("folds events without a target as before, whatever targets other events name", () => {
    const plain = events([state("running"), bytes("x", 10, 0, 20), step("plan", "Plan", "started")]);
    const withTargets = events([
      state("running"),
      bytes("x", 10, 0, 20),
      step("plan", "Plan", "started"),
      targetStep(a, "push", "started"),
    ]);
    expect(foldAll(withTargets).files).toEqual(foldAll(plain).files);
    expect(foldAll(withTargets).steps.get("plan")).toEqual(foldAll(plain).steps.get("plan"));
    expect(foldAll(plain).targets).toEqual([]);
    expect(foldAll(plain).targetFiles.size).toBe(0);
  });

  it("counts a shared download's file by its targets once they report, whatever the download's own events say", () => {
    const at = (ms: number) => new Date(ms).toISOString();
    const download = (done: number, seq: number): JobEvent => ({
      type: "bytes",
      id: "sha256:f",
      name: "w",
      done,
      total: 100,
      status: "downloading",
      seq,
      at: at(seq * 100),
    });
    const upload = (target: string, done: number, seq: number): JobEvent => ({
      type: "bytes",
      id: "sha256:f",
      name: "w",
      done,
      total: 100,
      status: "uploading",
      target,
      seq,
      at: at(seq * 100),
    });
    const seen: number[] = [];
    let fold = foldAll([download(20, 1)]);
    seen.push(fold.progress.bytesDone ?? -1);
    for (const event of [upload("r1/a:1", 10, 2), upload("r2/a:1", 15, 3), download(60, 4), upload("r1/a:1", 50, 5)]) {
      fold = foldJobEvents(fold, [event]);
      seen.push(fold.progress.bytesDone ?? -1);
    }
    // 20 from the download alone, then the slowest target: r1 at 10, still 10, not the download's 60, then r2's 15.
    expect(seen).toEqual([20, 10, 10, 10, 15]);
  });
});
