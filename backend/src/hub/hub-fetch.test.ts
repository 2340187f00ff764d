import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { hubApiCall, hubCall } from "./hub-fetch.js";

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

describe("hubApiCall retries", () => {
  /** A real server answering each request with the next scripted behaviour. */
  async function scriptedServer(script: Array<"reset" | "cut" | "503" | "stall" | "ok">) {
    let hits = 0;
    const server = createServer((req, res) => {
      const step = script[Math.min(hits++, script.length - 1)];
      if (step === "reset") req.socket.destroy();
      else if (step === "cut") {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
        res.write('{"id":"ac');
        setTimeout(() => res.socket?.destroy(), 10);
      } else if (step === "503") res.writeHead(503).end("busy");
      else if (step === "ok") res.writeHead(200, { "content-type": "application/json" }).end('{"id":"acme/x"}');
      // "stall": never answers
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
      url: `http://127.0.0.1:${port}`,
      hits: () => hits,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  it.each([
    [["reset", "ok"], 2],
    [["cut", "ok"], 2],
    [["503", "503", "ok"], 3],
  ] as const)("answers after %j in %d attempts", async (script, attempts) => {
    const server = await scriptedServer([...script]);
    try {
      const call = hubApiCall({ hubUrl: server.url, timeoutMs: 2000 });
      const res = await call.fetch(`${server.url}/api/models/acme/x`);
      expect(await res.json()).toEqual({ id: "acme/x" });
      expect(server.hits()).toBe(attempts);
      expect(call.failure()).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it("gives up after three attempts and reports the last failure", async () => {
    const server = await scriptedServer(["503"]);
    try {
      const call = hubApiCall({ hubUrl: server.url, timeoutMs: 2000 });
      const res = await call.fetch(`${server.url}/api/models/acme/x`);
      expect(res.status).toBe(503);
      expect(server.hits()).toBe(3);
      expect(call.failure()?.status).toBe(503);
    } finally {
      server.close();
    }
  });

  it("does not retry a request that timed out, nor a plain hubCall", async () => {
    const stalled = await scriptedServer(["stall"]);
    const reset = await scriptedServer(["reset", "ok"]);
    try {
      await expect(hubApiCall({ hubUrl: stalled.url, timeoutMs: 200 }).fetch(`${stalled.url}/x`)).rejects.toThrow();
      expect(stalled.hits()).toBe(1);
      await expect(hubCall({ hubUrl: reset.url, timeoutMs: 2000 }).fetch(`${reset.url}/x`)).rejects.toThrow();
      expect(reset.hits()).toBe(1);
    } finally {
      stalled.close();
      reset.close();
    }
  });
});
