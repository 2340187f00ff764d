import { Readable } from "node:stream";

export interface TeeOptions {
  /** Bytes a branch may hold unread before the source waits for it; default 1 MiB. */
  highWaterMark?: number;
  /** Called with the bytes read from the source so far, after each chunk went to every branch. */
  onRead?: (bytes: number) => void;
}

/** How the source ended: read to its end, left early because every branch went, or failed. */
export type TeeOutcome = { state: "ended"; bytes: number } | { state: "abandoned"; bytes: number };

export interface Tee {
  /** One stream per consumer, each with every byte of the source in order. */
  branches: Readable[];
  /** Settles once the source is read to its end or left; rejects with the source's own failure. */
  done: Promise<TeeOutcome>;
}

/**
 * Reads `source` once and hands each chunk to every branch, with bounded memory: the next chunk is read only once
 * every live branch has room for it (a slow consumer slows the source, nothing buffers a whole file). A branch that is
 * destroyed (its consumer failed or stopped) is dropped and the others go on; when none is left the source is left
 * (its iterator returned, which ends a download). A source failure destroys every branch with it.
 */
export function teeStream(source: AsyncIterable<Buffer>, count: number, options: TeeOptions = {}): Tee {
  const highWaterMark = options.highWaterMark ?? 1024 * 1024;
  const wakers = new Map<Readable, () => void>();
  const wake = (branch: Readable) => {
    wakers.get(branch)?.();
    wakers.delete(branch);
  };
  const live = new Set<Readable>();
  const branches = Array.from({ length: count }, () => {
    const branch: Readable = new Readable({
      highWaterMark,
      read: () => wake(branch),
      destroy: (err, callback) => {
        live.delete(branch);
        wake(branch);
        callback(err);
      },
    });
    // A failure reaches each reader through its iterator and `done`; a branch nobody reads yet (its upload still
    // opening) must not turn it into an uncaught 'error' event that ends the process.
    branch.on("error", () => undefined);
    live.add(branch);
    return branch;
  });
  const roomIn = (branch: Readable) =>
    new Promise<void>((resolve) => {
      if (!live.has(branch)) return resolve();
      wakers.set(branch, resolve);
    });
  const done = pump(source, live, roomIn, options.onRead);
  // Whoever awaits `done` sees a failure; the branches have it already.
  done.catch(() => undefined);
  return { branches, done };
}

async function pump(
  source: AsyncIterable<Buffer>,
  live: Set<Readable>,
  roomIn: (branch: Readable) => Promise<void>,
  onRead: ((bytes: number) => void) | undefined,
): Promise<TeeOutcome> {
  const iterator = source[Symbol.asyncIterator]();
  let bytes = 0;
  try {
    for (;;) {
      if (live.size === 0) return { state: "abandoned", bytes };
      const next = await iterator.next();
      if (next.done) break;
      bytes += next.value.length;
      const waits: Array<Promise<void>> = [];
      for (const branch of live) if (!branch.push(next.value)) waits.push(roomIn(branch));
      await Promise.all(waits);
      onRead?.(bytes);
    }
    for (const branch of live) branch.push(null);
    return { state: "ended", bytes };
  } catch (err) {
    for (const branch of [...live]) branch.destroy(err instanceof Error ? err : new Error(String(err)));
    throw err;
  } finally {
    // Left early (every branch gone, or a failure): the source stops, a download ends its request.
    await iterator.return?.().catch(() => undefined);
  }
}
