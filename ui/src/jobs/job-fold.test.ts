import { describe, expect, it } from "vitest";
import type { JobEvent } from "@model-publisher/contract";
import { emptyFold, foldJobEvents, logWindow, sampledRate } from "./job-fold.js";

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

describe("foldJobEvents", () => {
  it("folds states, steps, per-file bytes and the result", () => {
    const events: JobEvent[] = [
      { seq: 1, at: at(0), type: "state", state: "running" },
      { seq: 2, at: at(0), type: "step", id: "plan", name: "Plan layers", status: "started" },
      {
        seq: 3,
        at: at(1),
        type: "bytes",
        id: "a",
        name: "model.safetensors",
        done: 0,
        total: 100,
        status: "downloading",
      },
      { seq: 4, at: at(1), type: "bytes", id: "b", name: "config.json", done: 10, total: 10, status: "skipped" },
      { seq: 5, at: at(2), type: "step", id: "plan", name: "Plan layers", status: "completed" },
      { seq: 6, at: at(3), type: "bytes", id: "a", done: 60 },
    ];
    const fold = foldJobEvents(emptyFold, events);
    expect(fold.next).toBe(6);
    expect(fold.state).toBe("running");
    expect(fold.steps).toEqual([{ id: "plan", name: "Plan layers", status: "completed", error: undefined }]);
    expect(fold.files).toEqual([
      { id: "a", name: "model.safetensors", done: 60, total: 100, status: "downloading" },
      { id: "b", name: "config.json", done: 10, total: 10, status: "skipped" },
    ]);
    const done = foldJobEvents(fold, [
      {
        seq: 7,
        at: at(4),
        type: "result",
        result: { reference: "r", digest: "sha256:x", mediaType: "m", totalSize: 110 },
      },
      { seq: 8, at: at(4), type: "state", state: "succeeded" },
    ]);
    expect(done.state).toBe("succeeded");
    expect(done.result?.digest).toBe("sha256:x");
    expect(fold.state).toBe("running");
  });

  it("keeps a bounded log window but counts every line", () => {
    const lines: JobEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
      seq: i + 1,
      at: at(0),
      type: "log",
      line: `line ${i}`,
    }));
    let fold = emptyFold;
    for (let i = 0; i < lines.length; i += 1000) fold = foldJobEvents(fold, lines.slice(i, i + 1000));
    expect(fold.logLines).toBe(10_000);
    expect(fold.log).toHaveLength(logWindow);
    expect(fold.log[logWindow - 1]).toBe("line 9999");
  });
});

describe("sampledRate", () => {
  it.each([
    [[], undefined],
    [[{ at: 0, done: 0 }], undefined],
    [
      [
        { at: 0, done: 0 },
        { at: 2000, done: 4096 },
      ],
      2048,
    ],
    [
      [
        { at: 0, done: 0 },
        { at: 20_000, done: 100 },
        { at: 22_000, done: 2100 },
      ],
      1000,
    ],
  ])("%j → %s", (samples, rate) => expect(sampledRate(samples)).toBe(rate));
});
