import { afterEach, describe, expect, it } from "vitest";
import { request as httpRequest } from "node:http";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ErrorEnvelope, HealthResponse } from "@model-publisher/contract";
import { startServer, type RunningServer } from "./server.js";
import { bodyLimitBytes } from "./app.js";
import { testContext } from "../../test/harness/app-context.js";

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(env: NodeJS.ProcessEnv = {}): Promise<RunningServer> {
  const server = await startServer(testContext({ DOCKER_BIN: "/nonexistent/docker", ...env }).ctx);
  running.push(server);
  return server;
}

function expectEnvelope(body: unknown, code: string): void {
  const parsed = ErrorEnvelope.parse(body);
  expect(parsed.error.code).toBe(code);
  expect(parsed.error.message.length).toBeGreaterThan(10);
  expect(JSON.stringify(body)).not.toMatch(/\bat \S+ \(|\.ts:\d+|node_modules/);
}

describe("the backend app", () => {
  it("answers /health with its version and no docker when the CLI is missing", async () => {
    const { address } = await start();
    const res = await fetch(`${address}/health`);
    expect(res.status).toBe(200);
    const body = HealthResponse.parse(await res.json());
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.docker).toEqual({ available: false });
  });

  it("answers an unknown route with the 404 envelope", async () => {
    const { address } = await start();
    const res = await fetch(`${address}/no/such/route`);
    expect(res.status).toBe(404);
    expectEnvelope(await res.json(), "not_found");
  });

  it("answers malformed JSON with 400 invalid_request", async () => {
    const { address } = await start();
    const res = await fetch(`${address}/settings/hf-token`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: '{"token": "abc',
    });
    expect(res.status).toBe(400);
    expectEnvelope(await res.json(), "invalid_request");
  });

  it("answers a wrong shape with 400 invalid_request and the zod issues", async () => {
    const { address } = await start();
    const res = await fetch(`${address}/settings/hf-token`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: 42, extra: true }),
    });
    expect(res.status).toBe(400);
    const body = ErrorEnvelope.parse(await res.json());
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details?.issues).toBeInstanceOf(Array);
  });

  it("answers a body over the limit with 413 payload_too_large", async () => {
    const { address } = await start();
    const res = await fetch(`${address}/settings/hf-token`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: "x".repeat(bodyLimitBytes + 1) }),
    });
    expect(res.status).toBe(413);
    expectEnvelope(await res.json(), "payload_too_large");
  });

  it("refuses requests from another host or origin (DNS rebinding)", async () => {
    const { address } = await start();
    const url = new URL(`${address}/health`);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await status({ host: "attacker.example:80" })).toBe(403);
    expect(await status({ host: `127.0.0.1:${url.port}`, origin: "https://attacker.example" })).toBe(403);
    expect(await status({ host: `localhost:${url.port}`, origin: `http://localhost:${url.port}` })).toBe(200);
  });

  it("answers over a unix socket, replacing a stale socket file, with mode 0660 or tighter", async () => {
    const socket = join(mkdtempSync(join(tmpdir(), "mp-sock-")), "backend.sock");
    const first = await start({ BACKEND_SOCKET: socket });
    // Simulate a crash: the socket file stays behind while nothing listens.
    first.server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { address } = await start({ BACKEND_SOCKET: socket });
    expect(address).toBe(`unix:${socket}`);
    expect(statSync(socket).mode & 0o777 & ~0o660).toBe(0);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ socketPath: socket, path: "/health" }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve(text));
      });
      req.on("error", reject);
      req.end();
    });
    expect(HealthResponse.parse(JSON.parse(body)).ok).toBe(true);
  });
});
