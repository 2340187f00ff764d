import { readdir, stat, writeFile } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SettingsResponse } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { HfTokenStore } from "../../backend/src/store/hf-token.js";
import { startHubBackend, type HubBackend } from "../harness/hub-backend.js";

const stored = "hf_StoredSecretTokenValue7781";
const seeded = "hf_SeededFromEnvironment4410";
const otherUser = "hf_TokenOfSomeoneWithoutAccess";

let hub: HubServer;
const backends: HubBackend[] = [];

/** Every answer body the test saw, to search for the secret afterwards. */
const answers: string[] = [];

async function call(backend: HubBackend, method: string, path: string, body?: unknown) {
  const res = await fetch(`${backend.url}${path}`, {
    method,
    ...(body !== undefined ? { headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const headers: string[] = [];
  res.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
  answers.push(`${res.status}\n${headers.join("\n")}\n${text}`);
  return { status: res.status, text };
}

async function backendFor(envToken?: string): Promise<HubBackend> {
  const backend = await startHubBackend({ hubUrl: hub.url, ...(envToken ? { envToken } : {}) });
  backends.push(backend);
  return backend;
}

beforeAll(async () => {
  hub = await startHubServer({
    tokens: [otherUser],
    models: [
      {
        id: "acme/gated",
        gated: "manual",
        grantedTokens: [stored, seeded],
        files: [{ path: "model.safetensors", size: 2048 }],
      },
      { id: "acme/limited", rateLimited: { retryAfterSeconds: 5 }, files: [] },
    ],
  });
});

afterEach(() => {
  answers.length = 0;
});

afterAll(async () => {
  for (const backend of backends) await backend.stop();
  await hub?.stop();
});

describe("the Hub token", () => {
  it("is stored with mode 0600, shown only as set/unset, used at once, and never logged or answered", async () => {
    const backend = await backendFor();
    const settings = async () => SettingsResponse.parse(JSON.parse((await call(backend, "GET", "/settings")).text));
    expect((await settings()).hfToken).toBe("unset");
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(403);

    expect((await call(backend, "PUT", "/settings/hf-token", { token: stored })).status).toBe(204);
    const file = backend.ctx.hfToken.path;
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readdir(backend.ctx.config.stateDir)).filter((name) => name.startsWith("hf-token"))).toEqual([
      "hf-token",
    ]);
    expect((await settings()).hfToken).toBe("set");

    // Used by the very next Hub call, in search, details, and the error paths.
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(200);
    expect((await call(backend, "GET", "/models?search=acme")).status).toBe(200);
    expect((await call(backend, "GET", "/models/acme/limited")).status).toBe(429);
    expect((await call(backend, "GET", "/models/acme/missing")).status).toBe(404);
    hub.setFault({ kind: "fail", status: 500 });
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(502);
    hub.setFault(null);

    expect((await call(backend, "DELETE", "/settings/hf-token")).status).toBe(204);
    expect((await settings()).hfToken).toBe("unset");
    // What stays is an empty file that records the token was cleared; no byte of the old token.
    expect((await stat(file)).size).toBe(0);
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(403);

    const logs = backend.logs();
    expect(logs).toContain("hub token stored");
    expect(logs).toContain("hub request failed");
    expect(logs).not.toContain(stored);
    expect(answers.length).toBeGreaterThan(10);
    for (const answer of answers) expect(answer).not.toContain(stored);
  });

  it("gets mode 0600 even over an older world-readable file", async () => {
    const backend = await backendFor();
    await writeFile(backend.ctx.hfToken.path, "hf_old", { mode: 0o644 });
    expect((await call(backend, "PUT", "/settings/hf-token", { token: stored })).status).toBe(204);
    expect((await stat(backend.ctx.hfToken.path)).mode & 0o777).toBe(0o600);
  });

  it("survives two writes at once", async () => {
    const backend = await backendFor();
    const results = await Promise.all([
      call(backend, "PUT", "/settings/hf-token", { token: stored }),
      call(backend, "PUT", "/settings/hf-token", { token: otherUser }),
    ]);
    expect(results.map((r) => r.status)).toEqual([204, 204]);
    expect((await stat(backend.ctx.hfToken.path)).mode & 0o777).toBe(0o600);
    expect((await readdir(backend.ctx.config.stateDir)).filter((name) => name.startsWith("hf-token"))).toEqual([
      "hf-token",
    ]);
  });

  it("refuses a malformed token without echoing it", async () => {
    const backend = await backendFor();
    const bad = "hf_has a space in it 55531";
    const res = await call(backend, "PUT", "/settings/hf-token", { token: bad });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain("space in it");
    expect(backend.logs()).not.toContain("space in it");
  });

  it("takes HF_TOKEN from the environment as the seed, without writing or showing it", async () => {
    const backend = await backendFor(seeded);
    expect(SettingsResponse.parse(JSON.parse((await call(backend, "GET", "/settings")).text)).hfToken).toBe("set");
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(200);
    await expect(stat(backend.ctx.hfToken.path)).rejects.toMatchObject({ code: "ENOENT" });
    // A token that lacks access: the gated answer names Settings and still holds no secret.
    expect((await call(backend, "PUT", "/settings/hf-token", { token: otherUser })).status).toBe(204);
    const denied = await call(backend, "GET", "/models/acme/gated");
    expect(denied.status).toBe(403);
    expect(denied.text).toContain("Settings");
    for (const secret of [seeded, otherUser]) {
      expect(backend.logs()).not.toContain(secret);
      for (const answer of answers) expect(answer).not.toContain(secret);
    }
  });

  it("clears the token HF_TOKEN seeded: DELETE means no token, until one is stored", async () => {
    const backend = await backendFor(seeded);
    const settings = async () => SettingsResponse.parse(JSON.parse((await call(backend, "GET", "/settings")).text));
    expect((await settings()).hfToken).toBe("set");
    expect((await call(backend, "DELETE", "/settings/hf-token")).status).toBe(204);
    expect((await settings()).hfToken).toBe("unset");
    expect((await call(backend, "GET", "/models/acme/gated")).status).toBe(403);
    // A backend started again over the same STATE_DIR, with the same environment, keeps it cleared.
    const again = new HfTokenStore(backend.ctx.config.stateDir, seeded);
    expect(await again.get()).toBeUndefined();
    expect((await call(backend, "PUT", "/settings/hf-token", { token: stored })).status).toBe(204);
    expect((await settings()).hfToken).toBe("set");
    expect(await new HfTokenStore(backend.ctx.config.stateDir, seeded).get()).toBe(stored);
  });
});
