import { describe, expect, it } from "vitest";
import { HubApiError } from "@huggingface/hub";
import { hubError, retryAfterSeconds } from "./hub-errors.js";

function failure(status: number, headers: Record<string, string> = {}) {
  return { status, headers: new Headers(headers) };
}

const base = { modelId: "acme/m", tokenSet: false, timeoutMs: 5_000 };

describe("retryAfterSeconds", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it.each([
    [{ "retry-after": "42" }, 42],
    [{ "retry-after": "Wed, 01 Jan 2025 00:01:00 GMT" }, 60],
    [{ ratelimit: '"api";r=0;t=55' }, 55],
    [{ ratelimit: "limit=100, remaining=0, reset=17" }, 17],
    [{ "ratelimit-reset": "9" }, 9],
    [{ "retry-after": "7", ratelimit: '"api";r=0;t=55' }, 7],
    [{}, undefined],
  ])("%j → %s", (headers, expected) => {
    expect(retryAfterSeconds(new Headers(headers), now)).toBe(expected);
  });
});

describe("hubError", () => {
  const api = (status: number) => new HubApiError("https://hub/x", status);
  it.each([
    [404, {}, false, "model_not_found", 404],
    [401, { "x-error-code": "RepoNotFound" }, false, "model_not_found", 404],
    [401, { "x-error-code": "GatedRepo" }, false, "gated_model", 403],
    [403, { "x-error-code": "GatedRepo" }, true, "gated_model", 403],
    [401, {}, true, "gated_model", 403],
    [429, { "retry-after": "3" }, false, "hub_rate_limited", 429],
    [500, {}, false, "hub_unreachable", 502],
    [503, {}, true, "hub_unreachable", 502],
  ])("HTTP %d %j (token %s) → %s", (status, headers, tokenSet, code, httpStatus) => {
    const mapped = hubError(api(status), { ...base, tokenSet, failure: failure(status, headers) });
    expect(mapped.code).toBe(code);
    expect(mapped.status).toBe(httpStatus);
  });

  it("says to add a token in Settings for gated repos", () => {
    const mapped = hubError(api(401), { ...base, failure: failure(401, { "x-error-code": "GatedRepo" }) });
    expect(mapped.message).toMatch(/token/);
    expect(mapped.message).toMatch(/Settings/);
  });

  it("puts retryAfterSeconds in the details", () => {
    const mapped = hubError(api(429), { ...base, failure: failure(429, { ratelimit: '"api";r=0;t=12' }) });
    expect(mapped.details).toEqual({ retryAfterSeconds: 12 });
  });

  it("answers a minute as retryAfterSeconds when the Hub gave no hint", () => {
    const mapped = hubError(api(429), { ...base, failure: failure(429, {}) });
    expect(mapped.details).toEqual({ retryAfterSeconds: 60 });
    expect(hubError(api(429), base).details).toEqual({ retryAfterSeconds: 60 });
  });

  it("maps timeouts and network failures to hub_unreachable", () => {
    const timeout = new DOMException("timed out", "TimeoutError");
    expect(hubError(timeout, base).code).toBe("hub_unreachable");
    expect(hubError(timeout, base).message).toContain("5 seconds");
    expect(hubError(new TypeError("fetch failed"), base).code).toBe("hub_unreachable");
  });

  it("lets programming errors through", () => {
    expect(() => hubError(new RangeError("bug"), base)).toThrow(RangeError);
  });
});
