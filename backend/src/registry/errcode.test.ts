import { describe, expect, it } from "vitest";
import { errorFromResponse, isRetryableStatus } from "./errcode.js";

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
