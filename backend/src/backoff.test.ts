import { afterEach, describe, expect, it, vi } from "vitest";
import { Backoff, backoffDelayMs, sleep, type BackoffPolicy } from "./backoff.js";

const registry: BackoffPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000 };
const hubDownload: BackoffPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 60_000 };
const hubApi: BackoffPolicy = { attempts: 3, baseDelayMs: 200, factor: 4, maxDelayMs: 1_000, jitter: 0 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("backoffDelayMs", () => {
  it.each<[string, BackoffPolicy, number, number | undefined, number, number]>([
    // name, policy, retry, Retry-After seconds, Math.random(), wait
    ["first registry retry, least jitter", registry, 0, undefined, 0, 125],
    ["first registry retry, most jitter", registry, 0, undefined, 1, 250],
    ["third registry retry", registry, 2, undefined, 0.5, 750],
    ["registry waits are capped", registry, 10, undefined, 1, 8_000],
    ["a registry's Retry-After", registry, 0, 3, 0.9, 3_000],
    ["a Retry-After over the cap", registry, 0, 60, 0.9, 8_000],
    ["Retry-After 0", registry, 3, 0, 0.9, 0],
    ["a negative Retry-After is no Retry-After", registry, 1, -1, 0, 250],
    ["a Hub download's fifth retry", hubDownload, 4, undefined, 1, 4_000],
    ["a Hub download's long Retry-After", hubDownload, 0, 45, 0, 45_000],
    ["a Hub API call's first retry", hubApi, 0, undefined, 0.7, 200],
    ["a Hub API call's second retry", hubApi, 1, undefined, 0.1, 800],
    ["a Hub API call's later retries", hubApi, 2, undefined, 0.3, 1_000],
  ])("%s", (_name, policy, retry, retryAfter, random, wait) => {
    vi.spyOn(Math, "random").mockReturnValue(random);
    expect(backoffDelayMs(policy, retry, retryAfter)).toBe(wait);
  });
});

describe("Backoff", () => {
  const instant: BackoffPolicy = { attempts: 3, baseDelayMs: 0, maxDelayMs: 0 };

  it("allows attempts - 1 retries, then says stop", async () => {
    const backoff = new Backoff(instant);
    expect([await backoff.retry(), await backoff.retry(), await backoff.retry()]).toEqual([true, true, false]);
  });

  it("starts counting again after a reset", async () => {
    const backoff = new Backoff(instant);
    await backoff.retry();
    await backoff.retry();
    backoff.reset();
    expect([await backoff.retry(), await backoff.retry(), await backoff.retry()]).toEqual([true, true, false]);
  });

  it("with one attempt, never retries", async () => {
    expect(await new Backoff({ ...instant, attempts: 1 }).retry()).toBe(false);
  });

  it("waits the policy's delay before saying go on", async () => {
    vi.useFakeTimers();
    try {
      vi.spyOn(Math, "random").mockReturnValue(1);
      const backoff = new Backoff({ attempts: 5, baseDelayMs: 100, maxDelayMs: 1_000 });
      let answered = false;
      const retried = backoff.retry().then((go) => {
        answered = go;
      });
      await vi.advanceTimersByTimeAsync(99);
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await retried;
      expect(answered).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("sleep", () => {
  it("rejects with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, { signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
  });

  it("rejects with the caller's cancel error, also when the signal fired before", async () => {
    const canceled = () => new Error("canceled by caller");
    const controller = new AbortController();
    controller.abort(new Error("reason"));
    await expect(sleep(60_000, { signal: controller.signal, canceled })).rejects.toThrow("canceled by caller");
  });

  it("resolves when not aborted", async () => {
    await expect(sleep(0, { signal: new AbortController().signal })).resolves.toBeUndefined();
  });
});
