import { describe, expect, it } from "vitest";
import { runBounded } from "./run-bounded.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("runBounded", () => {
  it("never runs more than the limit at once and runs every item", async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await runBounded([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await tick();
      seen.push(n);
      running--;
    });
    expect(peak).toBe(3);
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it("stops starting items after a failure and throws it once the running ones settle", async () => {
    const started: number[] = [];
    let settled = 0;
    const run = runBounded([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      await tick();
      settled++;
      if (n === 2) throw new Error("boom");
    });
    await expect(run).rejects.toThrow("boom");
    expect(started.length).toBeLessThan(6);
    expect(settled).toBe(started.length);
  });
});
