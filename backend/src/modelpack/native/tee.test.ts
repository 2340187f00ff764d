import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { teeStream } from "./tee.js";

const chunkBytes = 1024;

/** A source of `count` 1 KiB chunks that counts what was pulled from it and whether it was left early. */
function countedSource(count: number) {
  const state = { pulled: 0, closed: false };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (let i = 0; i < count; i++) {
        state.pulled++;
        yield Buffer.alloc(chunkBytes, i % 251);
      }
    } finally {
      state.closed = true;
    }
  }
  return { source: chunks(), state };
}

/** Lets every pending callback and promise run. */
async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Reads a branch to its end: its bytes' sha256 and length. */
async function drain(branch: Readable): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of branch) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), bytes };
}

function expectedSha256(count: number): string {
  const hash = createHash("sha256");
  for (let i = 0; i < count; i++) hash.update(Buffer.alloc(chunkBytes, i % 251));
  return hash.digest("hex");
}

describe("teeStream", () => {
  it("holds the source while one branch is not read: a slow consumer slows the source, nothing piles up", async () => {
    const { source, state } = countedSource(200);
    const tee = teeStream(source, 2, { highWaterMark: 4 * chunkBytes });
    const [fast, slow] = tee.branches as [Readable, Readable];
    const fastRead = drain(fast);
    await settle();
    // The slow branch buffers at most its high-water mark (plus the chunk in hand), so the source stops there.
    expect(state.pulled).toBeLessThanOrEqual(6);
    expect(slow.readableLength).toBeLessThanOrEqual(5 * chunkBytes);
    await settle();
    const pulledWhileStuck = state.pulled;
    await settle();
    expect(state.pulled).toBe(pulledWhileStuck);
    const [fastBytes, slowBytes] = await Promise.all([fastRead, drain(slow)]);
    expect(fastBytes).toEqual({ sha256: expectedSha256(200), bytes: 200 * chunkBytes });
    expect(slowBytes).toEqual(fastBytes);
    expect(await tee.done).toEqual({ state: "ended", bytes: 200 * chunkBytes });
    // Read once: every chunk was pulled from the source exactly once for both branches.
    expect(state.pulled).toBe(200);
  });

  it("drops a branch whose consumer fails and keeps feeding the others", async () => {
    const { source, state } = countedSource(100);
    const tee = teeStream(source, 3, { highWaterMark: 2 * chunkBytes });
    const [a, failing, b] = tee.branches as [Readable, Readable, Readable];
    const failed = (async () => {
      let seen = 0;
      try {
        for await (const chunk of failing) {
          seen += (chunk as Buffer).length;
          if (seen >= 10 * chunkBytes) throw new Error("the registry went away");
        }
      } catch (err) {
        return err as Error;
      }
      return undefined;
    })();
    const [aBytes, bBytes, failure] = await Promise.all([drain(a), drain(b), failed]);
    expect(failure?.message).toBe("the registry went away");
    expect(failing.destroyed).toBe(true);
    expect(aBytes).toEqual({ sha256: expectedSha256(100), bytes: 100 * chunkBytes });
    expect(bBytes).toEqual(aBytes);
    expect(await tee.done).toMatchObject({ state: "ended" });
    expect(state.pulled).toBe(100);
  });

  it("leaves the source once every branch is gone", async () => {
    const { source, state } = countedSource(1000);
    const tee = teeStream(source, 2, { highWaterMark: chunkBytes });
    const [a, b] = tee.branches as [Readable, Readable];
    a.destroy();
    b.destroy(new Error("the consumer failed"));
    b.on("error", () => undefined);
    expect(await tee.done).toMatchObject({ state: "abandoned" });
    expect(state.closed).toBe(true);
    expect(state.pulled).toBeLessThan(1000);
  });

  it("fails every branch with the source's own failure", async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(chunkBytes);
      throw new Error("the Hub dropped the download");
    }
    const tee = teeStream(broken(), 2);
    const outcomes = await Promise.allSettled(tee.branches.map((branch) => drain(branch)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    await expect(tee.done).rejects.toThrow("the Hub dropped the download");
  });

  it("keeps a source failure before anyone reads a branch to the branches and done, never an uncaught error", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on("uncaughtException", onUncaught);
    try {
      async function* refused(): AsyncGenerator<Buffer> {
        yield Buffer.alloc(1);
        throw new Error("the Hub answered 403");
      }
      // Neither branch is read yet: each is an upload whose session is still opening.
      const tee = teeStream(refused(), 2, { highWaterMark: 16 });
      await expect(tee.done).rejects.toThrow("the Hub answered 403");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(uncaught).toEqual([]);
      await expect(drain(tee.branches[0] as Readable)).rejects.toThrow("the Hub answered 403");
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("reports the bytes read from the source as they pass", async () => {
    const { source } = countedSource(5);
    const reads: number[] = [];
    const tee = teeStream(source, 1, { onRead: (bytes) => reads.push(bytes) });
    await drain(tee.branches[0] as Readable);
    expect(reads).toEqual([1, 2, 3, 4, 5].map((n) => n * chunkBytes));
  });
});
