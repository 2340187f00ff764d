import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushLayout } from "../../backend/src/registry/layout-pusher.js";
import { RegistryClient, referenceOf } from "../../backend/src/registry/registry-client.js";
import { RegistryError } from "../../backend/src/registry/errcode.js";
import { verifyLogin } from "../../backend/src/registry/login.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { startTokenServer, type TokenServer } from "../harness/token-server.js";
import { writeModelpackLayout, type WrittenLayout } from "../fixtures/modelpack-layout.js";

const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));
const user = { username: "publisher", password: "pa55-w0rd-for-tests" };

async function pushWith(client: RegistryClient, reference: string, layout: WrittenLayout) {
  const ref = referenceOf(reference);
  return pushLayout({ dir: layout.dir, repository: client.repository(ref), tag: ref.tag });
}

describe("registry auth", () => {
  let work: string;
  let layout: WrittenLayout;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-auth-"));
    layout = await writeModelpackLayout(join(work, "layout"), [
      { path: "model.safetensors", size: 12 * 1024 * 1024 },
      { path: "config.json", content: "{}" },
    ]);
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  describe("htpasswd (Basic)", () => {
    let registry: RunningRegistry;
    beforeAll(async () => {
      registry = await startRegistry({ users: [user] });
    });
    afterAll(async () => {
      await registry?.stop();
    });

    const clientWith = async (name: string, config: object, extraEnv: NodeJS.ProcessEnv = {}) => {
      const dockerConfig = join(work, name);
      await mkdir(dockerConfig, { recursive: true });
      await writeFile(join(dockerConfig, "config.json"), JSON.stringify(config));
      return new RegistryClient({
        stateDir: join(work, `${name}-state`),
        env: { HOME: work, DOCKER_CONFIG: dockerConfig, PATH: process.env.PATH, ...extraEnv },
      });
    };

    it("refuses a push without credentials with registry_unauthorized", async () => {
      const client = await clientWith("none", {});
      const err = await pushWith(client, `${registry.host}/auth/none:v1`, layout).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as RegistryError).code).toBe("registry_unauthorized");
    });

    it("refuses wrong credentials with registry_unauthorized", async () => {
      const auth = Buffer.from(`${user.username}:wrong`).toString("base64");
      const client = await clientWith("wrong", { auths: { [registry.host]: { auth } } });
      const err = await pushWith(client, `${registry.host}/auth/wrong:v1`, layout).catch((e: unknown) => e);
      expect((err as RegistryError).code).toBe("registry_unauthorized");
    });

    it("pushes with a docker config auths entry", async () => {
      const auth = Buffer.from(`${user.username}:${user.password}`).toString("base64");
      const client = await clientWith("auths", { auths: { [`https://${registry.host}`]: { auth } } });
      const result = await pushWith(client, `${registry.host}/auth/auths:v1`, layout);
      expect(result.digest).toBe(layout.manifestDigest);
      expect(result.blobsUploaded).toBe(2);
    });

    it("pushes with a credHelpers entry run as docker-credential-<name> get", async () => {
      const store = join(work, "helper-store.json");
      await writeFile(store, JSON.stringify({ [registry.host]: { username: user.username, secret: user.password } }));
      const client = await clientWith(
        "helper",
        { credHelpers: { [registry.host]: "mp-test" }, auths: { [registry.host]: { auth: "bm9ib2R5Ondyb25n" } } },
        { PATH: `${fixturesDir}${delimiter}${process.env.PATH ?? ""}`, MP_TEST_CREDENTIALS: store },
      );
      const result = await pushWith(client, `${registry.host}/auth/helper:v1`, layout);
      expect(result.digest).toBe(layout.manifestDigest);
    });

    it("lists the sign-ins a credsStore holds (as Docker Desktop keeps them) by user name, and pushes with them", async () => {
      const store = join(work, "desktop-store.json");
      await writeFile(
        store,
        JSON.stringify({
          [registry.host]: { username: user.username, secret: user.password },
          "https://index.docker.io/v1/": { username: "hubuser", secret: "hub-secret-not-to-list" },
          "ghcr.io": { username: "someone-else", secret: "served-by-another-helper" },
        }),
      );
      const client = await clientWith(
        "desktop",
        { credsStore: "mp-test", credHelpers: { "ghcr.io": "nowhere" }, auths: { [registry.host]: {} } },
        { PATH: `${fixturesDir}${delimiter}${process.env.PATH ?? ""}`, MP_TEST_CREDENTIALS: store },
      );
      const listed = await client.credentials.list();
      // ghcr.io belongs to a helper that is not installed: the store's entry for it is not the login docker uses.
      expect(listed).toEqual([
        { host: registry.host, username: user.username },
        { host: "docker.io", username: "hubuser" },
      ]);
      expect(JSON.stringify(listed)).not.toContain("secret");
      const result = await pushWith(client, `${registry.host}/auth/desktop:v1`, layout);
      expect(result.digest).toBe(layout.manifestDigest);
    });
  });

  describe("token server (Bearer)", () => {
    let registry: RunningRegistry;
    let tokens: TokenServer;
    const service = "model-publisher-test-registry";
    beforeAll(async () => {
      const dir = join(work, "token");
      await mkdir(dir, { recursive: true });
      tokens = await startTokenServer({ dir, service, issuer: "mp-test-issuer", user });
      registry = await startRegistry({
        token: { realm: tokens.realm, service, issuer: "mp-test-issuer", rootCertBundle: tokens.certPath },
      });
    });
    afterAll(async () => {
      await registry?.stop();
      await tokens?.close();
    });

    it("gets a push token with credentials, caches it per scope, and pushes", async () => {
      const dockerConfig = join(work, "bearer");
      await mkdir(dockerConfig, { recursive: true });
      const auth = Buffer.from(`${user.username}:${user.password}`).toString("base64");
      await writeFile(join(dockerConfig, "config.json"), JSON.stringify({ auths: { [registry.host]: { auth } } }));
      const client = new RegistryClient({ stateDir: join(work, "bearer-state"), env: { DOCKER_CONFIG: dockerConfig } });
      const before = tokens.requests.length;
      const result = await pushWith(client, `${registry.host}/auth/bearer:v1`, layout);
      expect(result.digest).toBe(layout.manifestDigest);
      const asked = tokens.requests.slice(before);
      expect(asked[0]).toMatchObject({
        method: "GET",
        user: user.username,
        scopes: ["repository:auth/bearer:pull,push"],
      });
      // One token served every blob and the manifest.
      expect(asked.length).toBe(1);
      const manifest = await client.repository(referenceOf(`${registry.host}/auth/bearer:v1`)).getManifest("v1");
      expect(manifest.digest).toBe(layout.manifestDigest);
    });

    it("mounts blobs from another repository with a token that also grants pull on it", async () => {
      const dockerConfig = join(work, "bearer");
      const client = new RegistryClient({ stateDir: join(work, "bearer-state"), env: { DOCKER_CONFIG: dockerConfig } });
      const before = tokens.requests.length;
      const ref = referenceOf(`${registry.host}/auth/mounted:v1`);
      const result = await pushLayout({
        dir: layout.dir,
        repository: client.repository(ref),
        tag: "v1",
        mountFrom: "auth/bearer",
      });
      expect(result.digest).toBe(layout.manifestDigest);
      // Every blob (the layout's distinct digests) linked, none sent.
      expect(result).toMatchObject({ blobsSkipped: 0, blobsUploaded: 0, bytesUploaded: 0 });
      expect(result.blobsMounted).toBeGreaterThanOrEqual(2);
      // The mount's token names both repositories: push on the target, pull on the source.
      const scopes = tokens.requests.slice(before).map((request) => [...request.scopes].sort());
      expect(scopes).toContainEqual(["repository:auth/bearer:pull", "repository:auth/mounted:pull,push"]);
    });

    it("takes a token server's 401 or 403 for wrong credentials as registry_unauthorized at sign-in", async () => {
      for (const status of [401, 403] as const) {
        tokens.refuseStatus = status;
        try {
          await expect(
            verifyLogin(registry.host, { username: user.username, password: "wrong" }),
          ).rejects.toMatchObject({
            code: "registry_unauthorized",
          });
        } finally {
          tokens.refuseStatus = 401;
        }
      }
      await expect(verifyLogin(registry.host, user)).resolves.toBeUndefined();
    });

    it("pulls anonymously with a pull-only token and is refused a push", async () => {
      const client = new RegistryClient({
        stateDir: join(work, "anon-state"),
        env: { DOCKER_CONFIG: join(work, "empty") },
      });
      const repo = client.repository(referenceOf(`${registry.host}/auth/bearer:v1`));
      expect((await repo.getManifest("v1")).digest).toBe(layout.manifestDigest);
      const err = await pushWith(client, `${registry.host}/auth/anon:v1`, layout).catch((e: unknown) => e);
      expect((err as RegistryError).code).toBe("registry_unauthorized");
    });
  });
});
