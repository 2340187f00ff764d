import { describe, expect, it } from "vitest";
import type { JobEvent, JobProgress, NewJobEvent } from "./publish.js";
import { foldAll } from "./progress.js";

const t0 = Date.parse("2026-01-01T00:00:00.000Z");
/** Numbers and stamps events `ms` apart, the way the store does. */
function events(list: Array<NewJobEvent & { ms?: number }>): JobEvent[] {
  return list.map(({ ms, ...event }, index) => ({
    ...event,
    seq: index + 1,
    at: new Date(t0 + (ms ?? index * 100)).toISOString(),
  })) as JobEvent[];
}

const cases: Array<{ name: string; events: JobEvent[]; want: JobProgress }> = [
  { name: "nothing yet", events: [], want: { phase: "queued" } },
  {
    name: "running job before any step",
    events: events([
      { type: "state", state: "queued" },
      { type: "state", state: "running" },
    ]),
    want: { phase: "starting" },
  },
  {
    name: "steps started and completed count done/total; current step is the latest running",
    events: events([
      { type: "state", state: "running" },
      { type: "step", id: "sha256:a", name: "[internal] load frontend", status: "started" },
      { type: "step", id: "sha256:a", name: "[internal] load frontend", status: "completed" },
      { type: "step", id: "sha256:b", name: "resolve model", status: "cached" },
      { type: "step", id: "sha256:c", name: "download model.safetensors", status: "started" },
      { type: "step", id: "sha256:d", name: "download config.json", status: "started" },
    ]),
    want: { phase: "building", stepsDone: 2, stepsTotal: 4, step: "download config.json" },
  },
  {
    name: "current step falls back to an earlier one still running",
    events: events([
      { type: "step", id: "sha256:c", name: "download model.safetensors", status: "started" },
      { type: "step", id: "sha256:d", name: "download config.json", status: "started" },
      { type: "step", id: "sha256:d", name: "download config.json", status: "completed" },
    ]),
    want: { phase: "building", stepsDone: 1, stepsTotal: 2, step: "download model.safetensors" },
  },
  {
    name: "an errored step counts as finished",
    events: events([
      { type: "step", id: "sha256:c", name: "download", status: "started" },
      { type: "step", id: "sha256:c", name: "download", status: "errored", error: "exit code 1" },
      { type: "state", state: "failed" },
    ]),
    want: { phase: "failed", stepsDone: 1, stepsTotal: 1 },
  },
  {
    name: "bytes sum over files, rate over the window, eta from the rest",
    events: events([
      { type: "bytes", id: "a", done: 0, total: 1000, ms: 0 },
      { type: "bytes", id: "b", done: 0, total: 3000, ms: 0 },
      { type: "bytes", id: "a", done: 1000, ms: 1000 },
      { type: "bytes", id: "b", done: 1000, ms: 2000 },
    ]),
    want: { phase: "queued", bytesDone: 2000, bytesTotal: 4000, rate: 1000, etaSeconds: 2 },
  },
  {
    name: "old samples leave the rate window",
    events: events([
      { type: "bytes", id: "a", done: 0, total: 100_000, ms: 0 },
      { type: "bytes", id: "a", done: 90_000, ms: 1_000 },
      { type: "bytes", id: "a", done: 91_000, ms: 10_000 },
      { type: "bytes", id: "a", done: 92_000, ms: 11_000 },
    ]),
    want: { phase: "queued", bytesDone: 92_000, bytesTotal: 100_000, rate: 1000, etaSeconds: 8 },
  },
  {
    name: "an unknown total leaves bytesTotal and eta out",
    events: events([
      { type: "bytes", id: "a", done: 10, total: 100, ms: 0 },
      { type: "bytes", id: "b", done: 10, ms: 1000 },
    ]),
    want: { phase: "queued", bytesDone: 20, rate: 10 },
  },
  {
    name: "a backend phase step names the phase",
    events: events([
      { type: "state", state: "running" },
      { type: "step", id: "sha256:a", name: "build", status: "completed" },
      { type: "step", id: "phase:pushing", name: "push the layout", status: "started" },
    ]),
    want: { phase: "pushing", stepsDone: 1, stepsTotal: 2, step: "push the layout" },
  },
  {
    name: "success completes running steps and drops rate",
    events: events([
      { type: "state", state: "running" },
      { type: "step", id: "phase:verifying", name: "verify", status: "started" },
      { type: "bytes", id: "a", done: 0, total: 10, ms: 0 },
      { type: "bytes", id: "a", done: 10, ms: 1000 },
      {
        type: "result",
        result: { reference: "r", digest: "sha256:x", mediaType: "m", totalSize: 10 },
      },
      { type: "state", state: "succeeded" },
    ]),
    want: { phase: "done", stepsDone: 1, stepsTotal: 1, bytesDone: 10, bytesTotal: 10 },
  },
  {
    name: "log lines change nothing",
    events: events([
      { type: "state", state: "running" },
      { type: "log", line: "hello", stream: "stderr" },
    ]),
    want: { phase: "starting" },
  },
];

describe("foldProgress", () => {
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
