// A proxy in front of one HTTP upstream (the Hub test server, a registry) that breaks the wire on demand: resets
// (RST) at connect or mid-body, stalls at accept or after the headers, bursts of 5xx, and bodies that trickle. Every
// answer carries `Connection: close`, so each request opens its own connection and connection-level faults hit the
// request that comes next. Redirects and `Link`s naming the upstream are rewritten to the proxy.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Writable } from "node:stream";

export type WireFault =
  /** The connection is reset (RST) as soon as it is accepted. */
  | { kind: "reset-at-connect" }
  /** The connection is reset once `afterBytes` body bytes (upload or download) have passed. */
  | { kind: "reset-mid-body"; afterBytes: number }
  /** The connection is accepted, then nothing is read or answered. */
  | { kind: "stall-at-accept" }
  /** The upstream's status and headers are passed on, then no body byte. */
  | { kind: "stall-after-headers" }
  /** Answered with this status without reaching the upstream. */
  | { kind: "status"; status: number }
  /** Bodies both ways pass `bytesPerTick` bytes every `tickMs`. */
  | { kind: "drip"; bytesPerTick: number; tickMs: number };

/** Which requests a fault applies to (connection-level faults see no request and apply to the next connections). */
export type WireMatch = (req: { method: string; url: string; userAgent: string }) => boolean;

export interface WireFaultProxy {
  /** `127.0.0.1:<port>`. */
  host: string;
  url: string;
  /** Applies `fault` to the next `times` matching requests (or connections); Infinity keeps it on. */
  arm(fault: WireFault, options?: { times?: number; match?: WireMatch }): void;
  /** Removes every armed fault. */
  clear(): void;
  /** How many times faults fired since the last `clear`. */
  fired(): number;
  /** Every request seen, as `METHOD path`. */
  requests(): string[];
  close(): Promise<void>;
}

interface Armed {
  fault: WireFault;
  left: number;
  match?: WireMatch;
}

const connectionFaults = new Set<WireFault["kind"]>(["reset-at-connect", "stall-at-accept"]);

/** Passes `chunk` on in slices of `bytes` every `ms`, stopping when `alive` turns false. */
async function trickle(chunk: Buffer, bytes: number, ms: number, write: (part: Buffer) => void, alive: () => boolean) {
  for (let at = 0; at < chunk.length && alive(); at += bytes) {
    write(chunk.subarray(at, at + bytes));
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

export async function startWireFaultProxy(upstream: { host: string; port: number }): Promise<WireFaultProxy> {
  let armed: Armed[] = [];
  let fired = 0;
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const stalled = new WeakSet<Socket>();
  const upstreamRequests = new Set<ReturnType<typeof httpRequest>>();
  const upstreamOrigin = `http://${upstream.host}:${upstream.port}`;
  let origin = "";

  /** Takes one use of the first armed fault that applies, if any. */
  const take = (connectionLevel: boolean, info?: Parameters<WireMatch>[0]): WireFault | undefined => {
    const hit = armed.find(
      (a) =>
        a.left > 0 &&
        connectionFaults.has(a.fault.kind) === connectionLevel &&
        (connectionLevel || !a.match || (info && a.match(info))),
    );
    if (!hit) return undefined;
    hit.left--;
    fired++;
    return hit.fault;
  };

  const rewrite = (headers: IncomingMessage["headers"]) => {
    const out: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || name === "connection" || name === "keep-alive") continue;
      out[name] = Array.isArray(value)
        ? value.map((v) => v.replaceAll(upstreamOrigin, origin))
        : value.replaceAll(upstreamOrigin, origin);
    }
    out.connection = "close";
    return out;
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const info = { method: req.method ?? "GET", url: req.url ?? "/", userAgent: req.headers["user-agent"] ?? "" };
    seen.push(`${info.method} ${info.url.split("?")[0]}`);
    if (stalled.has(req.socket)) return;
    const fault = take(false, info);
    if (fault?.kind === "status") {
      req.resume();
      req.on("end", () => {
        res.writeHead(fault.status, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected by the wire fault proxy" }] }));
      });
      return;
    }
    let bodyBytes = 0;
    let dead = false;
    const alive = () => !dead;
    const upstreamReq = httpRequest({
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, connection: "close" },
    });
    upstreamRequests.add(upstreamReq);
    upstreamReq.on("close", () => upstreamRequests.delete(upstreamReq));
    const kill = () => {
      if (dead) return;
      dead = true;
      req.socket.resetAndDestroy();
      upstreamReq.destroy();
    };
    /** Counts body bytes; true when the fault cuts the connection here. */
    const cutAt = (length: number) => {
      bodyBytes += length;
      if (fault?.kind === "reset-mid-body" && bodyBytes > fault.afterBytes) {
        kill();
        return true;
      }
      return false;
    };
    /** Passes one direction's body on (the upload or the answer), through the fault; a failure cuts both. */
    const pump = (from: AsyncIterable<unknown>, to: Writable) => {
      void (async () => {
        for await (const raw of from) {
          const chunk = raw as Buffer;
          if (dead || cutAt(chunk.length)) return;
          if (fault?.kind === "drip") {
            await trickle(chunk, fault.bytesPerTick, fault.tickMs, (part) => to.write(part), alive);
          } else if (!to.write(chunk)) {
            await new Promise((resolve) => to.once("drain", resolve));
          }
        }
        if (!dead) to.end();
      })().catch(() => kill());
    };
    upstreamReq.on("error", () => kill());
    upstreamReq.on("response", (upstreamRes) => {
      if (dead) return upstreamRes.destroy();
      res.writeHead(upstreamRes.statusCode ?? 502, rewrite(upstreamRes.headers));
      if (fault?.kind === "stall-after-headers") {
        res.flushHeaders();
        upstreamRes.pause();
        return;
      }
      pump(upstreamRes, res);
    });
    pump(req, upstreamReq);
    res.on("close", () => {
      if (!res.writableFinished) kill();
    });
  };

  const server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const fault = take(true);
    if (fault?.kind === "reset-at-connect") socket.resetAndDestroy();
    // Its requests are read but never answered nor passed on: the client waits for an answer that does not come.
    if (fault?.kind === "stall-at-accept") stalled.add(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    host: `127.0.0.1:${port}`,
    url: origin,
    arm: (fault, options = {}) => {
      armed.push({ fault, left: options.times ?? 1, ...(options.match ? { match: options.match } : {}) });
    },
    clear: () => {
      armed = [];
      fired = 0;
    },
    fired: () => fired,
    requests: () => [...seen],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        for (const pending of upstreamRequests) pending.destroy();
        server.close(() => resolve());
      }),
  };
}
