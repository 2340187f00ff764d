import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { AuthClient, scopeCovered } from "./auth-client.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function serve(
  handler: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string },
) {
  const server = createServer((req, res) => {
    const answer = handler(req);
    res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("scopeCovered", () => {
  it.each([
    ["repository:a:pull", ["repository:a:pull,push"], true],
    ["repository:a:pull,push", ["repository:a:pull"], false],
    ["repository:b:pull", ["repository:a:pull,push"], false],
    ["repository:a:delete", ["repository:a:*"], true],
    ["registry:catalog:*", ["registry:catalog:*"], true],
  ])("%s within %j: %s", (scope, held, want) => {
    expect(scopeCovered(scope, held)).toBe(want);
  });
});

describe("AuthClient", () => {
  it("asks for the scope an insufficient_scope challenge names, and keeps asking for it", async () => {
    const tokenScopes: string[][] = [];
    const tokens = await serve((req) => {
      const scopes = new URL(req.url ?? "/", "http://x").searchParams.getAll("scope");
      tokenScopes.push(scopes);
      return {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token: scopes.join(" ") }),
      };
    });
    const challenge = `Bearer realm="http://${tokens}/token",service="reg",scope="repository:a:pull repository:b:pull",error="insufficient_scope"`;
    const registry = await serve((req) => {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      return token.split(" ").includes("repository:b:pull")
        ? { status: 200, body: "ok" }
        : { status: 401, headers: { "www-authenticate": challenge } };
    });
    const client = new AuthClient({ credentials: async () => undefined });
    const send = () =>
      client.send(
        `http://${registry}/v2/a/blobs/uploads/?mount=x&from=b`,
        { method: "GET" },
        {
          host: registry,
          scopes: ["repository:a:pull"],
          replayable: true,
        },
      );
    expect((await send()).status).toBe(200);
    expect(tokenScopes.at(-1)).toEqual(["repository:a:pull", "repository:b:pull"]);
    const asked = tokenScopes.length;
    expect((await send()).status).toBe(200);
    // The second request used the cached token for the widened scopes: no 401, no new token.
    expect(tokenScopes.length).toBe(asked);
  });

  it("sends no credentials to another origin, such as an upload Location on object storage", async () => {
    const seen: Array<string | undefined> = [];
    const storage = await serve((req) => {
      seen.push(req.headers.authorization);
      return { status: 202 };
    });
    const registry = await serve((req) =>
      req.headers.authorization ? { status: 200 } : { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } },
    );
    const client = new AuthClient({ credentials: async () => ({ username: "u", password: "secret-pass" }) });
    const req = { host: registry, scopes: [], replayable: true };
    expect((await client.send(`http://${registry}/v2/`, { method: "GET" }, req)).status).toBe(200);
    expect((await client.send(`http://${storage}/upload?sig=1`, { method: "PATCH", body: "x" }, req)).status).toBe(202);
    expect(seen).toEqual([undefined]);
  });
});
