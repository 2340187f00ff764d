import { describe, expect, it } from "vitest";
import type { NewJobEvent } from "@model-publisher/contract";
import { EventBatcher } from "./event-batcher.js";

const log = (n: number): NewJobEvent => ({ type: "log", line: `line ${n}` });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("EventBatcher", () => {
  it("writes the events of one turn together on the next turn, in order", async () => {
    const writes: NewJobEvent[][] = [];
    const batcher = new EventBatcher((events) => writes.push(events));
    batcher.push(log(1));
    batcher.push([log(2), log(3)]);
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual([[log(1), log(2), log(3)]]);
  });

  it("splits a flood into batches written on successive turns", async () => {
    const writes: NewJobEvent[][] = [];
    const batcher = new EventBatcher((events) => writes.push(events), 4);
    batcher.push(Array.from({ length: 10 }, (_, i) => log(i)));
    await nextTurn();
    expect(writes.map((w) => w.length)).toEqual([4]);
    await nextTurn();
    await nextTurn();
    expect(writes.map((w) => w.length)).toEqual([4, 4, 2]);
    expect(writes.flat()).toEqual(Array.from({ length: 10 }, (_, i) => log(i)));
  });

  it("flush writes everything pending at once and cancels the scheduled write", async () => {
    const writes: NewJobEvent[][] = [];
    const batcher = new EventBatcher((events) => writes.push(events), 4);
    batcher.push(Array.from({ length: 6 }, (_, i) => log(i)));
    batcher.flush();
    expect(writes.map((w) => w.length)).toEqual([4, 2]);
    await nextTurn();
    expect(writes).toHaveLength(2);
  });
});
