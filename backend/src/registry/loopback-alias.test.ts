// A loopback registry and its token server reached through REGISTRY_LOOPBACK_HOST, as in Docker Desktop's VM. Here
// the servers listen on 127.0.0.1 only; the reference names 127.0.0.2 and the realm 127.0.0.3, where nothing listens,
// so only the alias (127.0.0.1) reaches them.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { uploadBlob } from "./blob-upload.js";
import { loginToRegistry } from "./login.js";
import { ownConfigPath, referenceOf, RegistryClient } from "./registry-client.js";

const servers: Server[] = [];
const stateDirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  for (const dir of stateDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mp-alias-"));
  stateDirs.push(dir);
  return dir;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

async function serve(handler: (req: IncomingMessage) => Answer): Promise<number> {
  const server = createServer((req, res) => {
    const answer = handler(req);
    res.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? "");
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

const user = { username: "alice", password: "alias-pa55" };
const manifest = JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json" });

/** A token server that grants `good-token` to alice, and a registry behind Bearer auth whose realm is `realmHost`. */
async function bearerRegistry(realmHost: string) {
  const tokenRequests: Array<{ host?: string; authorization?: string }> = [];
  const tokenPort = await serve((req) => {
    tokenRequests.push({ host: req.headers.host, authorization: req.headers.authorization });
    const basic = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
    if (req.headers.authorization !== basic) return { status: 401 };
    return { status: 200, headers: { "content-type": "application/json" }, body: '{"token":"good-token"}' };
  });
  const registryHosts: Array<string | undefined> = [];
  const challenge = `Bearer realm="http://${realmHost}:${tokenPort}/token",service="local"`;
  const registryPort = await serve((req): Answer => {
    registryHosts.push(req.headers.host);
    if (req.headers.authorization !== "Bearer good-token") {
      return { status: 401, headers: { "www-authenticate": challenge } };
    }
    if (req.url === "/v2/") return { status: 200 };
    return { status: 200, headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" }, body: manifest };
  });
  return { tokenRequests, registryHosts, registryPort };
}

describe("REGISTRY_LOOPBACK_HOST", () => {
  it("reaches a loopback registry and its loopback token realm at the alias; the typed host keys the login", async () => {
    const { tokenRequests, registryHosts, registryPort } = await bearerRegistry("127.0.0.3");
    const typed = `127.0.0.2:${registryPort}`;
    const dir = stateDir();
    const client = new RegistryClient({ stateDir: dir, env: {}, loopbackHost: "127.0.0.1" });

    const store = await loginToRegistry(client, { host: typed, ...user }, { dockerBin: "/nonexistent/docker" });
    expect(store).toBe("backend");
    const own = JSON.parse(readFileSync(ownConfigPath(dir), "utf8")) as { auths: Record<string, unknown> };
    expect(Object.keys(own.auths)).toEqual([typed]);

    const ref = referenceOf(`${typed}/acme/tiny:1`);
    const fetched = await client.repository(ref).getManifest("1");
    expect(fetched.bytes.toString()).toBe(manifest);
    expect(registryHosts.every((host) => host === `127.0.0.1:${registryPort}`)).toBe(true);
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests.every((r) => r.host?.startsWith("127.0.0.1:"))).toBe(true);
  });

  it("without the alias, the same reference is unreachable", async () => {
    const { registryPort } = await bearerRegistry("127.0.0.3");
    const client = new RegistryClient({
      stateDir: stateDir(),
      env: {},
      retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    });
    const ref = referenceOf(`127.0.0.2:${registryPort}/acme/tiny:1`);
    await expect(client.repository(ref).getManifest("1")).rejects.toMatchObject({ code: "registry_unreachable" });
  });

  it("an upload Location naming the loopback host in full is followed at the alias too", async () => {
    const requests: string[] = [];
    let port = 0;
    port = await serve((req) => {
      requests.push(`${req.method} ${req.headers.host} ${req.url}`);
      if (req.method === "POST") {
        // As a registry configured with its own address answers: an absolute Location, naming loopback.
        return {
          status: 202,
          headers: { location: `http://127.0.0.2:${port}/v2/acme/tiny/blobs/uploads/s1?_state=x` },
        };
      }
      if (req.method === "PUT") return { status: 201 };
      return { status: 404 };
    });
    const client = new RegistryClient({ stateDir: stateDir(), env: {}, loopbackHost: "127.0.0.1" });
    const bytes = Buffer.from("a small blob");
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const repository = client.repository(referenceOf(`127.0.0.2:${port}/acme/tiny:1`));
    await uploadBlob(repository, { digest, size: bytes.length, open: () => Readable.from([bytes]) });
    expect(requests.map((line) => line.split(" ").slice(0, 2).join(" "))).toEqual([
      `POST 127.0.0.1:${port}`,
      `PUT 127.0.0.1:${port}`,
    ]);
    expect(requests[1]).toContain(`/v2/acme/tiny/blobs/uploads/s1?_state=x&digest=${encodeURIComponent(digest)}`);
  });
});
