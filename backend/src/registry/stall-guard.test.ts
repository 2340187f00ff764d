import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistryError } from "./errcode.js";
import { stallGuardedFetch } from "./stall-guard.js";

let server: Server;
let base: string;
const sockets = new Set<Socket>();

/** Routes: /silent never answers; /headers-then-stop sends headers and half a body; /drip sends a byte every 50 ms. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === "/silent") return;
  if (req.url === "/headers-then-stop") {
    res.writeHead(200, { "content-length": "10" });
    res.write("12345");
    return;
  }
  if (req.url === "/drip") {
    res.writeHead(200, { "content-length": "8" });
    let sent = 0;
    const timer = setInterval(() => {
      res.write("x");
      if (++sent === 8) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    return;
  }
  if (req.url === "/upload") {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => res.end(String(bytes)));
    return;
  }
  if (req.url === "/upload-ignored") {
    // Reads nothing: once the socket buffers fill, the client can move no more bytes.
    req.pause();
    return;
  }
  res.end("ok");
}

beforeAll(async () => {
  server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const guarded = stallGuardedFetch(fetch, 300);

async function failure(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("stallGuardedFetch", () => {
  it("fails a request that gets no answer with a retryable timeout", async () => {
    const started = Date.now();
    const err = await failure(guarded(`${base}/silent`));
    expect(err).toBeInstanceOf(RegistryError);
    expect(err).toMatchObject({ code: "timeout", retryable: true });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("fails a body that stops after the headers", async () => {
    const res = await guarded(`${base}/headers-then-stop`);
    expect(res.status).toBe(200);
    expect(await failure(res.text())).toMatchObject({ code: "timeout" });
  });

  it("lets a slow body through while bytes keep moving", async () => {
    const res = await guarded(`${base}/drip`);
    expect(await res.text()).toBe("xxxxxxxx");
  });

  it("does not count time spent waiting on a streamed upload's own source", async () => {
    async function* slowSource() {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setTimeout(resolve, 400));
        yield new Uint8Array(1000);
      }
    }
    const res = await guarded(`${base}/upload`, {
      method: "PATCH",
      body: slowSource() as unknown as RequestInit["body"],
      duplex: "half",
    } as RequestInit);
    expect(await res.text()).toBe("3000");
  });

  it("fails an upload the server stops taking", async () => {
    let pulled = 0;
    async function* endless() {
      for (;;) {
        await new Promise((resolve) => setImmediate(resolve));
        pulled++;
        yield new Uint8Array(256 * 1024);
      }
    }
    const err = await failure(
      guarded(`${base}/upload-ignored`, {
        method: "PATCH",
        body: endless() as unknown as RequestInit["body"],
        duplex: "half",
      } as RequestInit),
    );
    expect(err).toMatchObject({ code: "timeout" });
    // The source is let go: nothing reads it after the failure.
    const after = pulled;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(pulled).toBe(after);
  });

  it("a cancel by the caller stays a cancel", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("canceled by the test")), 50);
    const err = await failure(guarded(`${base}/silent`, { signal: controller.signal }));
    expect(err).not.toBeInstanceOf(RegistryError);
  });
});
