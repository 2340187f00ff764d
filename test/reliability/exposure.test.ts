// Who can reach the backend (issue 7): the Docker Desktop socket is 0660 or tighter and answers no CORS; standalone
// mode listens on 127.0.0.1 only and refuses requests whose Host or Origin is not this machine (DNS rebinding).
import { request as httpRequest, type RequestOptions } from "node:http";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope } from "@model-publisher/contract";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { writeFigures } from "./figures.js";

let socketBackend: BackendProcess;
let tcpBackend: BackendProcess;
let port = 0;
const figures = { socketMode: "", corsProbes: 0, corsHeaders: 0, listeners: "", foreignRefused: 0, foreignTried: 0 };

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function send(options: RequestOptions, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(options, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const corsHeaders = (answer: Answer) =>
  Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"));

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
}
/** Requests a browser on another site would make: simple ones with an Origin, and preflights. */
const browserProbes: Probe[] = ["/health", "/settings", "/jobs", "/builders", "/models?search=x"].flatMap(
  (path): Probe[] => [
    { method: "GET", path, headers: { origin: "https://attacker.example" } },
    {
      method: "OPTIONS",
      path,
      headers: { origin: "https://attacker.example", "access-control-request-method": "GET" },
    },
  ],
);
browserProbes.push(
  {
    method: "OPTIONS",
    path: "/publish",
    headers: {
      origin: "https://attacker.example",
      "access-control-request-method": "POST",
      "access-control-request-headers": "content-type",
    },
  },
  {
    method: "OPTIONS",
    path: "/settings/hf-token",
    headers: { origin: "https://attacker.example", "access-control-request-method": "PUT" },
  },
);

/** Listening sockets of a port from /proc/net/tcp{,6}: local address in hex, as the kernel lists it. */
function listenersOf(tcpPort: number): string[] {
  const hexPort = tcpPort.toString(16).toUpperCase().padStart(4, "0");
  return ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[1]?.endsWith(`:${hexPort}`) && cols[3] === "0A")
      .map((cols) => cols[1]?.split(":")[0] ?? ""),
  );
}

beforeAll(async () => {
  const socket = join(mkdtempSync(join(tmpdir(), "mp-sock-")), "backend.sock");
  [socketBackend, tcpBackend] = await Promise.all([
    startBackendProcess({ socket, env: { HF_ENDPOINT: "http://127.0.0.1:1" } }),
    startBackendProcess({ env: { HF_ENDPOINT: "http://127.0.0.1:1" } }),
  ]);
  port = Number(new URL(tcpBackend.address).port);
});

afterAll(async () => {
  await socketBackend?.stop();
  await tcpBackend?.stop();
  writeFigures("exposure", {
    title: "Who can reach the backend",
    source: "test/reliability/exposure.test.ts",
    passed: figures.corsHeaders === 0 && figures.foreignRefused === figures.foreignTried && figures.foreignTried > 0,
    figures: [
      { label: "unix socket mode (Docker Desktop)", value: figures.socketMode },
      { label: "cross-site requests and preflights sent (both modes)", value: figures.corsProbes },
      { label: "answers carrying an Access-Control-* header", value: figures.corsHeaders },
      { label: "standalone listening addresses", value: figures.listeners },
      { label: "foreign Host/Origin requests tried", value: figures.foreignTried },
      { label: "foreign Host/Origin requests refused (403 forbidden_origin)", value: figures.foreignRefused },
    ],
  });
});

describe("Docker Desktop mode (unix socket)", () => {
  it("creates the socket with mode 0660 or tighter", () => {
    const mode = statSync(socketBackend.socket as string).mode & 0o777;
    figures.socketMode = `0${mode.toString(8)}`;
    expect(mode & ~0o660).toBe(0);
  });

  it("answers no CORS headers and honours no preflight", async () => {
    for (const probe of browserProbes) {
      const answer = await send({ socketPath: socketBackend.socket, ...probe });
      figures.corsProbes++;
      figures.corsHeaders += corsHeaders(answer).length;
      expect(corsHeaders(answer), `${probe.method} ${probe.path}`).toEqual([]);
      // A preflight is honoured only by Access-Control-Allow-* headers; without them the browser stops there.
      if (probe.method === "OPTIONS") expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });
});

describe("standalone mode (TCP)", () => {
  it("listens on 127.0.0.1 only", async () => {
    const listeners = listenersOf(port);
    figures.listeners = listeners.map((hex) => (hex === "0100007F" ? "127.0.0.1" : hex)).join(", ");
    expect(listeners).toEqual(["0100007F"]);
    const outside = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === "IPv4" && !address.internal);
    for (const address of outside) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address?.address, port });
        socket.once("connect", () => {
          socket.destroy();
          resolve(false);
        });
        socket.once("error", () => resolve(true));
      });
      expect(refused, `connect to ${address?.address}:${port}`).toBe(true);
    }
  });

  it("refuses foreign Host and Origin headers, with no CORS headers either way", async () => {
    const local = `127.0.0.1:${port}`;
    const foreign: Array<Record<string, string>> = [
      { host: "attacker.example" },
      { host: `attacker.example:${port}` },
      { host: "127.0.0.1.nip.io" },
      { host: "localhost.attacker.example" },
      { host: "192.168.1.10" },
      { host: "" },
      { host: local, origin: "https://attacker.example" },
      { host: local, origin: `http://attacker.example:${port}` },
      { host: local, origin: "null" },
      { host: local, origin: "not a url" },
      { host: "attacker.example", origin: `http://${local}` },
    ];
    for (const headers of foreign) {
      for (const [method, path] of [
        ["GET", "/settings"],
        ["POST", "/jobs/00000000-0000-0000-0000-000000000000/cancel"],
        ["OPTIONS", "/publish"],
      ] as const) {
        const answer = await send({ host: "127.0.0.1", port, method, path, headers, setHost: false });
        figures.foreignTried++;
        figures.corsProbes++;
        figures.corsHeaders += corsHeaders(answer).length;
        const label = `${method} ${path} ${JSON.stringify(headers)}`;
        expect(answer.status, label).toBe(403);
        expect(ErrorEnvelope.parse(JSON.parse(answer.text)).error.code, label).toBe("forbidden_origin");
        expect(corsHeaders(answer), label).toEqual([]);
        figures.foreignRefused++;
      }
    }
    for (const headers of [
      { host: local },
      { host: `localhost:${port}`, origin: `http://localhost:${port}` },
      { host: local, origin: `http://${local}` },
    ]) {
      const answer = await send({ host: "127.0.0.1", port, method: "GET", path: "/settings", headers, setHost: false });
      expect(answer.status, JSON.stringify(headers)).toBe(200);
      expect(corsHeaders(answer)).toEqual([]);
    }
  });
});
