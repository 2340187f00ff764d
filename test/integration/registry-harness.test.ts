import { describe, expect, it } from "vitest";
import { processAlive, startRegistry } from "../harness/registry.js";

describe("registry harness", () => {
  it("starts an anonymous registry that answers /v2/ and leaves no process after stop()", async () => {
    const registry = await startRegistry();
    const res = await fetch(`${registry.url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
    expect(processAlive(registry.pid)).toBe(true);
    await registry.stop();
    expect(processAlive(registry.pid)).toBe(false);
    await expect(fetch(`${registry.url}/v2/`)).rejects.toThrow();
  });

  it("starts an htpasswd registry that challenges anonymous callers and admits its users", async () => {
    const registry = await startRegistry({ users: [{ username: "alice", password: "s3cret-pass" }] });
    try {
      const anonymous = await fetch(`${registry.url}/v2/`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get("www-authenticate")).toMatch(/^Basic realm=/);
      const basic = Buffer.from("alice:s3cret-pass").toString("base64");
      const authed = await fetch(`${registry.url}/v2/`, { headers: { authorization: `Basic ${basic}` } });
      expect(authed.status).toBe(200);
      const wrong = Buffer.from("alice:nope").toString("base64");
      expect((await fetch(`${registry.url}/v2/`, { headers: { authorization: `Basic ${wrong}` } })).status).toBe(401);
    } finally {
      await registry.stop();
    }
    expect(processAlive(registry.pid)).toBe(false);
  });
});
