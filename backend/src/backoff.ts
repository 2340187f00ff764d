/** How often an operation is tried and how long to wait between tries; the Hub and registries share it. */
export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the first retry, in milliseconds. */
  baseDelayMs: number;
  /** Longest wait, a server's `Retry-After` included. */
  maxDelayMs: number;
  /** Growth of the wait from one retry to the next; default 2. */
  factor?: number;
  /** Share of each wait that is random (spreads clients that failed together); default 0.5. */
  jitter?: number;
}

/**
 * The wait before retry `retry` (0: the first): the server's `Retry-After` when it sent one, else
 * `baseDelayMs × factor^retry`; both capped at `maxDelayMs`, the latter with its `jitter` share random.
 */
export function backoffDelayMs(policy: BackoffPolicy, retry: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0) {
    return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  }
  const base = Math.min(policy.baseDelayMs * (policy.factor ?? 2) ** retry, policy.maxDelayMs);
  const jitter = policy.jitter ?? 0.5;
  return base * (1 - jitter) + Math.random() * (base * jitter);
}

export interface SleepOptions {
  signal?: AbortSignal | null;
  /** What a wait cut short by the signal rejects with; default the signal's reason. */
  canceled?: () => unknown;
}

/** Waits `ms`, or rejects (see `canceled`) as soon as the signal fires. */
export function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal } = options;
  const canceled = options.canceled ?? (() => signal?.reason);
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceled());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(canceled());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The failed attempts in a row of one operation, and the wait before its next attempt. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly options: SleepOptions = {},
  ) {}

  /** Counts a failed attempt: false when it was the last one allowed, else true once the wait before the next is over. */
  async retry(retryAfterSeconds?: number): Promise<boolean> {
    if (++this.failures >= this.policy.attempts) return false;
    await sleep(backoffDelayMs(this.policy, this.failures - 1, retryAfterSeconds), this.options);
    return true;
  }

  /** An attempt made headway (bytes arrived, a chunk landed): the count starts again. */
  reset(): void {
    this.failures = 0;
  }
}
