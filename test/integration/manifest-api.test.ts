import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompareResponse, ErrorEnvelope, ManifestReport, SettingsResponse } from "@model-publisher/contract";
import { pushLayout } from "../../backend/src/registry/layout-pusher.js";
import { ownConfigPath, RegistryClient, referenceOf } from "../../backend/src/registry/registry-client.js";
import { startServer } from "../../backend/src/server.js";
import { testContext } from "../harness/app-context.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { writeModelpackLayout, type WrittenLayout } from "../fixtures/modelpack-layout.js";

const user = { username: "mp-user", password: "Login-Secret-9931" };
const files = [
  { path: "model.safetensors", size: 256 * 1024 },
  { path: "config.json", content: '{"model_type":"qwen3"}' },
  { path: "README.md", content: "# readme\n" },
];

interface Backend {
  url: string;
  logs: () => string;
  stateDir: string;
  stop: () => Promise<void>;
}

async function startBackend(work: string, name: string): Promise<Backend> {
  const { ctx, logs } = testContext({ DOCKER_BIN: "docker" });
  ctx.registry = new RegistryClient({
    stateDir: ctx.config.stateDir,
    env: { HOME: work, DOCKER_CONFIG: join(work, `${name}-docker`), PATH: process.env.PATH },
  });
  const registry = ctx.registry;
  ctx.registryLogins = () => registry.credentials.list();
  const running = await startServer(ctx);
  return { url: running.address, logs, stateDir: ctx.config.stateDir, stop: () => running.close() };
}

describe("manifest report and compare over HTTP", () => {
  let registry: RunningRegistry;
  let work: string;
  let backend: Backend;
  let left: WrittenLayout;
  let right: WrittenLayout;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-manifest-"));
    registry = await startRegistry();
    left = await writeModelpackLayout(join(work, "left"), files, {
      name: "tiny",
      manifestAnnotations: { "org.opencontainers.image.revision": "aaaa" },
    });
    right = await writeModelpackLayout(join(work, "right"), files, {
      name: "tiny",
      manifestAnnotations: { "org.opencontainers.image.revision": "bbbb" },
    });
    const client = new RegistryClient({ stateDir: join(work, "state"), env: { HOME: work } });
    for (const [layout, tag] of [
      [left, "left"],
      [right, "right"],
    ] as const) {
      const ref = referenceOf(`${registry.host}/models/tiny:${tag}`);
      await pushLayout({ dir: layout.dir, repository: client.repository(ref), tag });
    }
    backend = await startBackend(work, "manifest");
  });
  afterAll(async () => {
    await backend?.stop();
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("GET /manifest reports digest, layers with paths, parsed config, total size and pull commands", async () => {
    const reference = `${registry.host}/models/tiny:left`;
    const res = await fetch(`${backend.url}/manifest?reference=${encodeURIComponent(reference)}`);
    expect(res.status).toBe(200);
    const report = ManifestReport.parse(await res.json());
    expect(report.digest).toBe(left.manifestDigest);
    expect(report.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(report.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    expect(report.size).toBe(left.manifestBytes.length);
    expect(report.manifest).toEqual(JSON.parse(left.manifestBytes.toString()));
    expect(report.config).toEqual({});
    expect(report.layers.map((l) => [l.path, l.mediaType, l.size])).toEqual([
      ["model.safetensors", "application/vnd.cncf.model.weight.v1.raw", 256 * 1024],
      ["config.json", "application/vnd.cncf.model.weight.config.v1.raw", 22],
      ["README.md", "application/vnd.cncf.model.doc.v1.raw", 9],
    ]);
    expect(report.totalSize).toBe(256 * 1024 + 22 + 9);
    expect(report.pullCommands).toEqual({
      oras: `oras pull --plain-http ${reference} -o tiny`,
      skopeo: `skopeo copy --src-tls-verify=false docker://${reference} dir:tiny`,
      aikit: `source: oci://${reference}`,
      dockerModel: `docker model pull ${reference}`,
    });
  });

  it("GET /manifest by digest verifies and answers the same manifest", async () => {
    const reference = `${registry.host}/models/tiny@${right.manifestDigest}`;
    const res = await fetch(`${backend.url}/manifest?reference=${encodeURIComponent(reference)}`);
    const report = ManifestReport.parse(await res.json());
    expect(report.digest).toBe(right.manifestDigest);
  });

  it("POST /manifest/compare answers the one annotation that differs", async () => {
    const compare = async (l: string, r: string) => {
      const res = await fetch(`${backend.url}/manifest/compare`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ left: `${registry.host}/models/tiny:${l}`, right: `${registry.host}/models/tiny:${r}` }),
      });
      expect(res.status).toBe(200);
      return CompareResponse.parse(await res.json());
    };
    expect(await compare("left", "right")).toEqual({
      identical: false,
      differences: [{ path: "/annotations/org.opencontainers.image.revision", left: "aaaa", right: "bbbb" }],
    });
    expect(await compare("left", "left")).toEqual({ identical: true, differences: [] });
  });

  it.each([
    ["an unknown tag", (host: string) => `${host}/models/tiny:nope`, 404, "manifest_not_found"],
    ["an unknown repository", (host: string) => `${host}/models/none:v1`, 404, "manifest_not_found"],
    ["an invalid reference", () => "Bad/UPPER:tag", 400, "invalid_reference"],
    ["an unreachable registry", () => "127.0.0.1:1/models/tiny:v1", 502, "registry_unreachable"],
  ])("GET /manifest of %s answers %s %s", async (_name, reference, status, code) => {
    const res = await fetch(`${backend.url}/manifest?reference=${encodeURIComponent(reference(registry.host))}`);
    expect(res.status).toBe(status);
    expect(ErrorEnvelope.parse(await res.json()).error.code).toBe(code);
  });
});

describe("POST /registries/login", () => {
  let registry: RunningRegistry;
  let work: string;
  let backend: Backend;
  const answers: string[] = [];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-login-"));
    registry = await startRegistry({ users: [user] });
    backend = await startBackend(work, "login");
  });
  afterAll(async () => {
    await backend?.stop();
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  });

  const login = async (password: string) => {
    const res = await fetch(`${backend.url}/registries/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ host: registry.host, username: user.username, password }),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, text };
  };

  it("refuses wrong credentials with 401 registry_unauthorized and stores nothing", async () => {
    const res = await login("not-the-password");
    expect(res.status).toBe(401);
    expect(ErrorEnvelope.parse(JSON.parse(res.text)).error.code).toBe("registry_unauthorized");
    await expect(stat(ownConfigPath(backend.stateDir))).rejects.toThrow();
  });

  it("verifies good credentials, stores them 0600 without a docker engine, and lists host and user", async () => {
    const res = await login(user.password);
    expect(res.status).toBe(204);
    const file = ownConfigPath(backend.stateDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain(registry.host);
    const settings = SettingsResponse.parse(await (await fetch(`${backend.url}/settings`)).json());
    expect(settings.registries).toContainEqual({ host: registry.host, username: user.username });
    answers.push(JSON.stringify(settings));
  });

  it("the stored login lets a manifest be read from the protected registry", async () => {
    const client = new RegistryClient({ stateDir: join(work, "pusher"), env: { HOME: work } });
    const layout = await writeModelpackLayout(join(work, "layout"), files);
    const err = await pushLayout({
      dir: layout.dir,
      repository: client.repository(referenceOf(`${registry.host}/p/q:v1`)),
      tag: "v1",
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("registry_unauthorized");
    const withLogin = new RegistryClient({ stateDir: backend.stateDir, env: { HOME: work } });
    await pushLayout({
      dir: layout.dir,
      repository: withLogin.repository(referenceOf(`${registry.host}/p/q:v1`)),
      tag: "v1",
    });
    const res = await fetch(`${backend.url}/manifest?reference=${encodeURIComponent(`${registry.host}/p/q:v1`)}`);
    expect(res.status).toBe(200);
    expect(ManifestReport.parse(await res.json()).digest).toBe(layout.manifestDigest);
  });

  it("never shows the password in answers or logs", () => {
    expect(answers.length).toBeGreaterThan(2);
    for (const text of answers) expect(text).not.toContain(user.password);
    expect(backend.logs()).toContain("registry login");
    expect(backend.logs()).not.toContain(user.password);
  });
});
