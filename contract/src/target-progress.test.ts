import { describe, expect, it } from "vitest";
import { foldAll } from "./progress.js";
import { PublishRequest, type JobEvent, type JobResult, type JobState, type NewJobEvent } from "./publish.js";
import { targetRows } from "./target-progress.js";

const a = "localhost:5000/acme/tiny:1";
const b = "localhost:5001/acme/tiny:1";
const request = PublishRequest.parse({ source: "huggingface://acme/tiny", references: [a, b] });

function events(list: NewJobEvent[]): JobEvent[] {
  return list.map(
    (event, index) => ({ ...event, seq: index + 1, at: new Date(index * 100).toISOString() }) as JobEvent,
  );
}
const sent = (target: string, done: number, total = 1000): NewJobEvent => ({
  type: "bytes",
  id: "sha256:w",
  name: "model.safetensors",
  done,
  total,
  target,
});
const result = (references: JobResult["references"]): JobResult => ({
  reference: a,
  digest: "sha256:d",
  mediaType: "m",
  totalSize: 1000,
  ...(references ? { references } : {}),
});

describe("targetRows", () => {
  it.each<{
    name: string;
    state: JobState;
    events: NewJobEvent[];
    result?: JobResult;
    want: Array<[string, string, number]>;
  }>([
    {
      name: "queued before any event",
      state: "running",
      events: [],
      want: [
        ["queued", a, 0],
        ["queued", b, 0],
      ],
    },
    {
      name: "running with the bytes each target holds",
      state: "running",
      events: [sent(a, 600), sent(b, 200)],
      want: [
        ["running", a, 600],
        ["running", b, 200],
      ],
    },
    {
      name: "a target whose step errored has failed while the others run",
      state: "running",
      events: [
        sent(a, 600),
        { type: "step", id: "phase:push", name: "Push", status: "errored", error: "refused", target: b },
      ],
      want: [
        ["running", a, 600],
        ["failed", b, 0],
      ],
    },
    {
      name: "the result says how each ended",
      state: "failed",
      events: [],
      result: result([
        { reference: a, state: "succeeded", digest: "sha256:d" },
        { reference: b, state: "failed", error: { code: "registry_unreachable", message: "no answer" } },
      ]),
      want: [
        ["succeeded", a, 0],
        ["failed", b, 0],
      ],
    },
    {
      name: "a job that succeeded succeeded on every target",
      state: "succeeded",
      events: [],
      result: result(undefined),
      want: [
        ["succeeded", a, 0],
        ["succeeded", b, 0],
      ],
    },
    {
      name: "a cancelled job stopped its targets",
      state: "canceled",
      events: [sent(a, 1)],
      want: [
        ["stopped", a, 1],
        ["stopped", b, 0],
      ],
    },
  ])("$name", ({ state, events: list, result: jobResult, want }) => {
    const rows = targetRows({ request, state, result: jobResult }, foldAll(events(list)));
    expect(rows.map((row) => [row.state, row.reference, row.done])).toEqual(want);
  });

  it("gives each row the job's total, its error, its digest and its running step", () => {
    const fold = foldAll(
      events([
        sent(a, 1000),
        { type: "step", id: "phase:manifest", name: "Push the manifest", status: "started", target: a },
        { type: "step", id: "phase:push", name: "Push", status: "errored", error: "refused", target: b },
      ]),
    );
    const [first, second] = targetRows({ request, state: "running" }, fold);
    expect(first).toEqual({ reference: a, state: "running", done: 1000, total: 1000, step: "Push the manifest" });
    expect(second).toEqual({ reference: b, state: "failed", done: 0, total: 1000, error: { message: "refused" } });
    const ended = targetRows(
      {
        request,
        state: "failed",
        result: result([
          { reference: a, state: "succeeded", digest: "sha256:d" },
          { reference: b, state: "failed", error: { code: "registry_denied", message: "denied" } },
        ]),
      },
      fold,
    );
    expect(ended[0]).toMatchObject({ digest: "sha256:d" });
    expect(ended[0]).not.toHaveProperty("step");
    expect(ended[1]?.error).toEqual({ code: "registry_denied", message: "denied" });
  });

  it("has one row for a one-target request", () => {
    const one = PublishRequest.parse({ source: "huggingface://acme/tiny", reference: a });
    expect(targetRows({ request: one, state: "running" }, foldAll([])).map((row) => row.reference)).toEqual([a]);
  });

  it("totals what the targets are sent, not the build's own downloads; a target the builder pushed is whole once done", () => {
    const build: NewJobEvent = { type: "bytes", id: "vertex:download", name: "download", done: 5000, total: 5000 };
    const copied = (target: string, done: number): NewJobEvent => sent(target, done);
    const config: NewJobEvent = { type: "bytes", id: "sha256:c", name: "config", done: 10, total: 10, target: b };
    const fold = foldAll(events([build, copied(b, 400), config]));
    const running = targetRows({ request, state: "running" }, fold);
    expect(running.map((row) => [row.reference, row.done, row.total])).toEqual([
      [a, 0, 1010],
      [b, 410, 1010],
    ]);
    const done = targetRows(
      {
        request,
        state: "succeeded",
        result: result([
          { reference: a, state: "succeeded", digest: "sha256:d" },
          { reference: b, state: "succeeded", digest: "sha256:d" },
        ]),
      },
      foldAll(events([build, copied(b, 1000), config])),
    );
    expect(done.map((row) => [row.reference, row.done, row.total])).toEqual([
      [a, 1010, 1010],
      [b, 1010, 1010],
    ]);
  });

  it("has no total before any target reports a file", () => {
    const fold = foldAll(events([{ type: "bytes", id: "vertex:download", name: "d", done: 10, total: 5000 }]));
    expect(targetRows({ request, state: "running" }, fold).map((row) => row.total)).toEqual([undefined, undefined]);
  });
});
