import { describe, expect, it } from "vitest";
import { errorFromResponse, isRetryableStatus, retryAfter } from "./errcode.js";

describe("retryAfter", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it.each<[string | null, number | undefined]>([
    ["120", 120],
    [" 5 ", 5],
    ["Sat, 28 Nov 2026 12:00:30 GMT", 30],
    ["Sat, 28 Nov 2026 11:59:00 GMT", 0],
    ["soon", undefined],
    ["-3", undefined],
    [null, undefined],
  ])("%j → %s", (value, seconds) => {
    expect(retryAfter(value, now)).toBe(seconds);
  });
});

describe("errorFromResponse", () => {
  it("makes 408 a retryable registry_unreachable", async () => {
    expect(isRetryableStatus(408)).toBe(true);
    const err = await errorFromResponse(new Response("", { status: 408 }), "blob upload");
    expect(err).toMatchObject({ code: "registry_unreachable", retryable: true });
  });

  it("reads a Retry-After given as a date", async () => {
    const at = new Date(Date.now() + 20_000).toUTCString();
    const err = await errorFromResponse(new Response("", { status: 503, headers: { "retry-after": at } }), "x");
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(18);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(21);
  });
});
