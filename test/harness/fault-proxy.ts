import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request as the proxy passed it on: the URL with its query, the body bytes received, the upstream's status. */
export interface ProxyExchange {
  method: string;
  url: string;
  bodyBytes: number;
  /** Absent until the upstream answered (or when it never did). */
  status?: number;
}

/** Which requests a fault applies to. */
export type RequestMatch = (req: { method: string; url: string }) => boolean;

export interface FaultProxy {
  /** `127.0.0.1:<port>`: use it as the registry host. */
  host: string;
  port: number;
  /** Request-body bytes received from clients, including those of dropped requests. */
  bytesReceived(): number;
  /** Request-body bytes passed on to the upstream. */
  bytesForwarded(): number;
  /** Every request seen, as `METHOD path`. */
  requests(): string[];
  /** Every request seen, with its query, body size and answer. */
  exchanges(): ProxyExchange[];
  /** Every request seen with its query, as `METHOD path?query` (a blob mount is a POST with `?mount=…&from=…`). */
  requestUrls(): string[];
  /** The next matching request whose body passes `afterBytes` has its connection cut. */
  dropMidBodyOnce(afterBytes: number, match?: RequestMatch): void;
  /** The next matching request is answered 503 without reaching the upstream. */
  fail503Once(match?: RequestMatch): void;
  /** The next matching request is answered `status` with an OCI error `code` without reaching the upstream. */
  failOnce(status: number, code: string, match?: RequestMatch): void;
  /** How many faults have fired. */
  faultsFired(): number;
  close(): Promise<void>;
}

const anyRequest: RequestMatch = () => true;

/** An HTTP proxy in front of one upstream that injects faults on demand; the Host header passes through. */
export async function startFaultProxy(upstream: { host: string; port: number }): Promise<FaultProxy> {
  let received = 0;
  let forwarded = 0;
  let fired = 0;
  const seen: string[] = [];
  const exchanges: ProxyExchange[] = [];
  let drop: { afterBytes: number; match: RequestMatch } | undefined;
  let failing: { status: number; code: string; match: RequestMatch } | undefined;
  const sockets = new Set<Socket>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const info = { method: req.method ?? "GET", url: req.url ?? "/" };
    seen.push(`${info.method} ${info.url.split("?")[0]}`);
    const exchange: ProxyExchange = { method: info.method, url: info.url, bodyBytes: 0 };
    exchanges.push(exchange);
    const fail = failing && failing.match(info) ? failing : undefined;
    if (fail) {
      failing = undefined;
      fired++;
      exchange.status = fail.status;
      req.resume();
      req.on("end", () => {
        res.writeHead(fail.status, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: fail.code, message: "injected by the fault proxy" }] }));
      });
      return;
    }
    const dropHere = drop && drop.match(info) ? drop : undefined;
    if (dropHere) drop = undefined;
    const upstreamReq = httpRequest(
      { host: upstream.host, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upstreamRes) => {
        if (upstreamRes.statusCode !== undefined) exchange.status = upstreamRes.statusCode;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on("error", () => res.destroy());
    let bodyBytes = 0;
    let cut = false;
    req.on("data", (chunk: Buffer) => {
      if (cut) return;
      received += chunk.length;
      bodyBytes += chunk.length;
      exchange.bodyBytes += chunk.length;
      if (dropHere && bodyBytes > dropHere.afterBytes) {
        cut = true;
        fired++;
        // Pass on only the bytes before the cut, then kill both sides as a network failure would.
        const keep = chunk.length - (bodyBytes - dropHere.afterBytes);
        if (keep > 0) {
          forwarded += keep;
          upstreamReq.write(chunk.subarray(0, keep));
        }
        req.socket.destroy();
        upstreamReq.destroy();
        return;
      }
      forwarded += chunk.length;
      if (!upstreamReq.write(chunk)) {
        req.pause();
        upstreamReq.once("drain", () => req.resume());
      }
    });
    req.on("end", () => {
      if (!cut) upstreamReq.end();
    });
    req.on("error", () => upstreamReq.destroy());
  };

  const server = createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    port,
    bytesReceived: () => received,
    bytesForwarded: () => forwarded,
    requests: () => [...seen],
    exchanges: () => exchanges.map((exchange) => ({ ...exchange })),
    requestUrls: () => exchanges.map((exchange) => `${exchange.method} ${exchange.url}`),
    dropMidBodyOnce: (afterBytes, match = anyRequest) => {
      drop = { afterBytes, match };
    },
    failOnce: (status, code, match = anyRequest) => {
      failing = { status, code, match };
    },
    fail503Once: (match = anyRequest) => {
      failing = { status: 503, code: "UNAVAILABLE", match };
    },
    faultsFired: () => fired,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
