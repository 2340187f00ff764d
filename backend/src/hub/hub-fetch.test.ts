import { describe, expect, it } from "vitest";
import { hubCall } from "./hub-fetch.js";

/** A stand-in for the network that records what it was asked. */
function recordingFetch(answer: () => Response = () => new Response("[]")) {
  const seen: Array<{ url: string; headers: Headers; signal?: AbortSignal | null }> = [];
  const fn: typeof fetch = async (input, init) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers), signal: init?.signal ?? null });
    return answer();
  };
  return { fn, seen };
}

describe("hubCall", () => {
  it("sends the token to the Hub's origin only", async () => {
    const net = recordingFetch();
    const call = hubCall({ hubUrl: "https://hub.example", token: "tok_1", timeoutMs: 1000, fetch: net.fn });
    await call.fetch("https://hub.example/api/models");
    await call.fetch("https://cdn.example/blob");
    expect(net.seen[0]?.headers.get("authorization")).toBe("Bearer tok_1");
    expect(net.seen[1]?.headers.has("authorization")).toBe(false);
  });

  it("sends no authorization without a token", async () => {
    const net = recordingFetch();
    await hubCall({ hubUrl: "https://hub.example", timeoutMs: 1000, fetch: net.fn }).fetch("https://hub.example/x");
    expect(net.seen[0]?.headers.has("authorization")).toBe(false);
  });

  it("starts at the given page once, keeping the limit the library asked for", async () => {
    const net = recordingFetch();
    const call = hubCall(
      { hubUrl: "https://hub.example", timeoutMs: 1000, fetch: net.fn },
      { firstUrl: new URL("https://hub.example/api/models?search=x&limit=50&cursor=abc") },
    );
    await call.fetch("https://hub.example/api/models?limit=10&search=x");
    await call.fetch("https://hub.example/api/models?limit=10&page=2");
    const first = new URL(net.seen[0]?.url ?? "");
    expect(first.searchParams.get("cursor")).toBe("abc");
    expect(first.searchParams.get("limit")).toBe("10");
    expect(net.seen[1]?.url).toBe("https://hub.example/api/models?limit=10&page=2");
  });

  it("remembers the last failure and next link", async () => {
    const net = recordingFetch(
      () =>
        new Response("{}", {
          status: 429,
          headers: { "retry-after": "3", link: '<https://hub.example/n>; rel="next"' },
        }),
    );
    const call = hubCall({ hubUrl: "https://hub.example", timeoutMs: 1000, fetch: net.fn });
    await call.fetch("https://hub.example/api/models");
    expect(call.failure()?.status).toBe(429);
    expect(call.failure()?.headers.get("retry-after")).toBe("3");
    expect(call.nextLink()).toBe("https://hub.example/n");
  });

  it("gives every request a deadline", async () => {
    const never: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const call = hubCall({ hubUrl: "https://hub.example", timeoutMs: 50, fetch: never });
    await expect(call.fetch("https://hub.example/api/models")).rejects.toMatchObject({ name: "TimeoutError" });
  });
});
