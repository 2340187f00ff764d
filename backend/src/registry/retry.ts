import { Backoff, type BackoffPolicy } from "../backoff.js";
import { canceledError, RegistryError } from "./errcode.js";

/** Attempts and waits of registry requests (`backoff.ts`: doubling from `baseDelayMs`, with jitter). */
export type RetryPolicy = BackoffPolicy;

export const defaultRetryPolicy: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };

/** A backoff for one registry operation; a wait cut short by the signal rejects as `canceled`. */
export function registryBackoff(policy: RetryPolicy, signal: AbortSignal | undefined): Backoff {
  return new Backoff(policy, { signal, canceled: canceledError });
}

/** Runs `op` again after retryable registry errors (5xx, 429, resets), with exponential backoff. */
export async function withRetry<T>(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  op: () => Promise<T>,
): Promise<T> {
  const backoff = registryBackoff(policy, signal);
  for (;;) {
    if (signal?.aborted) throw canceledError();
    try {
      return await op();
    } catch (err) {
      if (signal?.aborted) throw canceledError();
      if (!(err instanceof RegistryError && err.retryable) || !(await backoff.retry(err.retryAfterSeconds))) throw err;
    }
  }
}
