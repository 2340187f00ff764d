import { canceledError, RegistryError } from "./errcode.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First backoff in milliseconds; doubles each time, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/** Waits, or rejects as canceled when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(canceledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(canceledError());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined && retryAfterSeconds >= 0)
    return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  const base = Math.min(policy.baseDelayMs * 2 ** attempt, policy.maxDelayMs);
  return base / 2 + Math.random() * (base / 2);
}

/** Runs `op` again after retryable registry errors (5xx, 429, resets), with exponential backoff. */
export async function withRetry<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  op: () => Promise<T>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw canceledError();
    try {
      return await op();
    } catch (err) {
      if (signal?.aborted) throw canceledError();
      const retryable = err instanceof RegistryError && err.retryable;
      if (!retryable || attempt + 1 >= policy.attempts) throw err;
      await sleep(backoffMs(policy, attempt, (err as RegistryError).retryAfterSeconds), signal);
    }
  }
}
