import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { streamingFetch } from "./streaming-fetch.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that reads every body and answers what `answer` says, with the bytes it got. */
async function serve(answer: (got: number) => { status: number; headers?: Record<string, string> }): Promise<string> {
  server = createServer(async (req, res) => {
    let got = 0;
    try {
      for await (const chunk of req) got += (chunk as Buffer).length;
    } catch {
      return;
    }
    const { status, headers } = answer(got);
    res.writeHead(status, { ...headers, "x-got": String(got) }).end(status === 204 ? undefined : `got ${got}`);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/x/blobs/uploads/1`;
}

async function* chunks(count: number, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) yield new Uint8Array(size);
}

const patch = (body: AsyncIterable<Uint8Array>, length: number, signal?: AbortSignal) =>
  ({ method: "PATCH", body, duplex: "half", headers: { "content-length": String(length) }, signal }) as RequestInit;

describe("streamingFetch", () => {
  it("sends a streamed body whole and answers a Response with the status, headers and body", async () => {
    const url = await serve(() => ({ status: 202, headers: { location: "/v2/x/blobs/uploads/2", range: "0-1" } }));
    const res = await streamingFetch(url, patch(chunks(16), 16 * 64 * 1024));
    expect(res.status).toBe(202);
    expect(res.headers.get("location")).toBe("/v2/x/blobs/uploads/2");
    expect(res.headers.get("x-got")).toBe(String(16 * 64 * 1024));
    expect(await res.text()).toBe(`got ${16 * 64 * 1024}`);
  });

  it("gives a redirect back instead of following it (nothing is sent twice)", async () => {
    const url = await serve(() => ({ status: 307, headers: { location: "http://elsewhere.invalid/" } }));
    const res = await streamingFetch(url, patch(chunks(1), 64 * 1024));
    expect(res.status).toBe(307);
  });

  it("rejects with the abort's reason and stops reading the source", async () => {
    const url = await serve(() => ({ status: 202 }));
    const stop = new AbortController();
    let read = 0;
    async function* slow(): AsyncGenerator<Uint8Array> {
      for (;;) {
        read++;
        if (read === 3) stop.abort(new Error("canceled by the user"));
        yield new Uint8Array(1024);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await expect(streamingFetch(url, patch(slow(), 1024 * 1024, stop.signal))).rejects.toThrow("canceled by the user");
    // The step the source was in when the request ended may finish; no step starts after it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = read;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(read).toBe(after);
    expect(read).toBeLessThanOrEqual(4);
  });

  it("rejects as fetch does when the body's source fails", async () => {
    const url = await serve(() => ({ status: 202 }));
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1024);
      throw new Error("the Hub dropped the download");
    }
    const failure = await streamingFetch(url, patch(failing(), 4096)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).message).toBe("fetch failed");
  });

  it("leaves other requests to fetch", async () => {
    const url = await serve(() => ({ status: 204 }));
    const res = await streamingFetch(url, { method: "PUT", body: new Uint8Array(10) });
    expect(res.status).toBe(204);
    expect(res.headers.get("x-got")).toBe("10");
  });

  it("fails a body that ends before its content-length instead of leaving the registry waiting", async () => {
    const url = await serve(() => ({ status: 202 }));
    const failure = await streamingFetch(url, patch(chunks(1), 2 * 64 * 1024)).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(TypeError);
  });
});
