import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { gzipSync } from "node:zlib";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { hubFileBytes, type HubFile } from "./hub-download.js";

const content = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
const file: HubFile = { repo: "acme/tiny", commit: "a".repeat(40), path: "model.safetensors", size: content.length };
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A Hub stand-in answering each request with the next behaviour; records the Range headers asked for. */
async function hub(behaviours: Array<"429" | "drop" | "ok">): Promise<{ url: string; ranges: string[] }> {
  const ranges: string[] = [];
  server = createServer((req, res) => {
    ranges.push(req.headers.range ?? "");
    const behaviour = behaviours.shift() ?? "ok";
    if (behaviour === "429") {
      res.writeHead(429, { "retry-after": "1" }).end("slow down");
      return;
    }
    const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
    res.writeHead(206, {
      "content-length": String(content.length - start),
      "content-range": `bytes ${start}-${content.length - 1}/${content.length}`,
    });
    if (behaviour === "drop") {
      res.write(content.subarray(start, start + 50_000), () => res.socket?.destroy());
      return;
    }
    res.end(content.subarray(start));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, ranges };
}

async function readAll(url: string, start = 0): Promise<Buffer> {
  const parts: Buffer[] = [];
  const options = { conn: { hubUrl: url, timeoutMs: 10_000 }, baseDelayMs: 10 };
  for await (const chunk of hubFileBytes(file, start, options)) parts.push(chunk);
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("hubFileBytes", () => {
  it("resumes a dropped download with Range from the last byte received", async () => {
    const { url, ranges } = await hub(["drop", "ok"]);
    expect(sha(await readAll(url))).toBe(sha(content));
    expect(ranges[0]).toBe(`bytes=0-${content.length - 1}`);
    expect(ranges).toHaveLength(2);
    const resumedAt = Number(/bytes=(\d+)-/.exec(ranges[1] ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(50_000);
    expect(resumedAt).toBeLessThan(content.length);
  });

  it("waits the Retry-After of a 429 before asking again", async () => {
    const { url, ranges } = await hub(["429", "ok"]);
    const started = Date.now();
    expect(sha(await readAll(url, 1000))).toBe(sha(content.subarray(1000)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(ranges).toEqual([`bytes=1000-${content.length - 1}`, `bytes=1000-${content.length - 1}`]);
  });

  it("asks for the bytes as stored, and still reads a body a server compressed anyway", async () => {
    const encodings: string[] = [];
    server = createServer((req, res) => {
      encodings.push(req.headers["accept-encoding"] ?? "");
      // Like a proxy with gzip on that ignores Range: the whole file, compressed, Content-Length of the gzip.
      const gzipped = gzipSync(content);
      res.writeHead(200, { "content-encoding": "gzip", "content-length": String(gzipped.length) }).end(gzipped);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(sha(await readAll(url))).toBe(sha(content));
    expect(encodings).toEqual(["identity"]);
  });

  it("refuses a file whose size differs from the listing as an integrity error", async () => {
    const { url } = await hub(["ok"]);
    const wrong = { ...file, size: content.length + 1 };
    const read = async () => {
      for await (const chunk of hubFileBytes(wrong, 0, { conn: { hubUrl: url, timeoutMs: 10_000 } })) void chunk;
    };
    await expect(read()).rejects.toMatchObject({ code: "integrity_error" });
  });

  it("counts a stall only while the Hub sends nothing, not while the consumer holds the bytes", async () => {
    // The Hub drips the file in small writes; the consumer takes 3× the idle timeout over each chunk it gets.
    const ranges: string[] = [];
    server = createServer((req, res) => {
      ranges.push(req.headers.range ?? "");
      res.writeHead(200, { "content-length": String(content.length) });
      res.end(content);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const parts: Buffer[] = [];
    const options = { conn: { hubUrl: url, timeoutMs: 10_000 }, idleTimeoutMs: 100, baseDelayMs: 10 };
    for await (const chunk of hubFileBytes(file, 0, options)) {
      parts.push(chunk);
      if (parts.length <= 2) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(sha(Buffer.concat(parts))).toBe(sha(content));
    expect(ranges).toHaveLength(1);
  });

  it("drops and resumes an answer that stops sending mid-body", async () => {
    const ranges: string[] = [];
    server = createServer((req, res) => {
      ranges.push(req.headers.range ?? "");
      const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? "")?.[1] ?? 0);
      res.writeHead(206, {
        "content-length": String(content.length - start),
        "content-range": `bytes ${start}-${content.length - 1}/${content.length}`,
      });
      // The first answer sends part of the file and then nothing, the connection left open.
      if (ranges.length === 1) res.write(content.subarray(0, 50_000));
      else res.end(content.subarray(start));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const parts: Buffer[] = [];
    const options = { conn: { hubUrl: url, timeoutMs: 10_000 }, idleTimeoutMs: 200, baseDelayMs: 10 };
    for await (const chunk of hubFileBytes(file, 0, options)) parts.push(chunk);
    expect(sha(Buffer.concat(parts))).toBe(sha(content));
    expect(ranges).toHaveLength(2);
    expect(Number(/bytes=(\d+)-/.exec(ranges[1] ?? "")?.[1])).toBe(50_000);
    server.closeAllConnections();
  });
});
