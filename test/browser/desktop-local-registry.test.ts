// Inside Docker Desktop, the user's `docker run -p 5000:5000 registry` is `localhost:5000` to the user and
// `host.docker.internal:5000` to the backend container. In the Desktop rig (backend on its socket in a network
// namespace of its own, UI on ddClient) one click publishes to a registry on the host side's loopback under the
// reference as typed, skopeo on the host side reads what the report shows, and without REGISTRY_LOOPBACK_HOST the same
// publish fails: the alias is what makes it work.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { v1 } from "@docker/extension-api-client-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope, JobResponse, ManifestReport, SettingsResponse, type Job } from "@model-publisher/contract";
import { requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { socketRequest } from "../harness/desktop-client.js";
import { hostAlias, startDesktopRig, type DesktopRig } from "../harness/desktop-rig.js";
import { startRegistry } from "../harness/registry.js";
import { startTokenServer } from "../harness/token-server.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";

const model = tinyModel({
  id: "Acme/Tiny-LLM",
  downloads: 5,
  pipelineTag: "text-generation",
  weights: 256 * KiB,
  configFile: '{"model_type":"llama"}',
});

/** The routes of the backend: a UI in Desktop mode must never ask the page's own origin for them. */
const backendRoute = /^(GET|POST|PUT|DELETE) \/(health|settings|models|builders|publish|jobs|manifest|registries)\b/;

async function waitForJob(call: () => Promise<unknown>): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const { job } = JobResponse.parse(await call());
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the job did not finish within 60 s");
}

/** A host binary for `extension.host.cli.exec`: prints its argument and an env value as JSON; `fail` exits 1. */
function hostBinaries(): string {
  const dir = mkdtempSync(join(tmpdir(), "mp-host-bin-"));
  const script = [
    "#!/bin/sh",
    'if [ "$1" = fail ]; then echo "not signed in there" >&2; exit 1; fi',
    'printf \'{"arg":"%s","env":"%s"}\\n\' "$1" "$HOST_VALUE"',
    "",
  ].join("\n");
  writeFileSync(join(dir, "echo-host"), script);
  chmodSync(join(dir, "echo-host"), 0o755);
  return dir;
}

describe("Inside Docker Desktop: one click to a registry on the user's localhost", () => {
  let rig: DesktopRig;
  let binDir: string;

  beforeAll(async () => {
    requireSkopeo();
    binDir = hostBinaries();
    rig = await startDesktopRig({ models: [model], hostBinaries: { dir: binDir, env: { HOST_VALUE: "from-host" } } });
  });
  afterAll(async () => {
    await rig?.close();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it("runs the backend as Desktop does: its own loopback, the host at host.docker.internal, a unix socket", async () => {
    const port = rig.registry.port;
    expect(rig.namespace.connect("localhost", port)).toBe("ECONNREFUSED");
    expect(rig.namespace.connect("127.0.0.1", port)).toBe("ECONNREFUSED");
    expect(rig.namespace.connect(hostAlias, port)).toBe("connected");
    expect(rig.backend.address).toBe(`unix:${rig.backend.socket}`);
    const health = await rig.call("GET", "/health");
    expect(health).toMatchObject({ status: 200, body: { ok: true } });
  });

  it("gives the page ddClient's exec shapes: host binaries and the docker CLI, rejecting on a non-zero exit", async () => {
    const page = await rig.open("#/settings");
    const results = await page.evaluate(async () => {
      const dd = (window as unknown as { ddClient: v1.DockerDesktopClient }).ddClient;
      const host = dd.extension.host;
      if (!host) throw new Error("no extension.host");
      const echoed = await host.cli.exec("echo-host", ["list"]);
      const failed = await host.cli.exec("echo-host", ["fail"]).then(
        () => undefined,
        (err: v1.ExecResult) => ({ code: err.code, stderr: err.stderr }),
      );
      const docker = await dd.docker.cli.exec("version", ["--format", "{{.Client.Version}}"]);
      return { echoed: echoed.parseJsonObject() as unknown, lines: echoed.lines(), failed, docker: docker.lines() };
    });
    expect(results.echoed).toEqual({ arg: "list", env: "from-host" });
    expect(results.lines).toHaveLength(1);
    expect(results.failed).toEqual({ code: 1, stderr: "not signed in there\n" });
    expect(results.docker).toHaveLength(1);
    // The app itself asks for the host's sign-ins at start (this rig ships no credentials helper, so that fails).
    const calls = rig.desktop.execs.filter((e) => e.cmd !== "model-publisher-credentials");
    expect(calls.map((e) => [e.via, e.cmd, e.code])).toEqual([
      ["host", "echo-host", 0],
      ["host", "echo-host", 1],
      ["docker", "version", 0],
    ]);
  });

  it("publishes with one click to localhost:<port>; the report and skopeo agree on what the registry holds", async () => {
    const typed = `localhost:${rig.registry.port}/acme/tiny-llm:latest`;
    const page = await rig.open("#/publish");
    await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
    await page.getByRole("option").filter({ hasText: model.id }).click();
    await page.getByTestId("model-total-size").waitFor();
    const reference = page.getByRole("textbox", { name: "Reference" });
    // No sign-in anywhere: the suggestion is the local registry users run on port 5000.
    await expect.poll(() => reference.inputValue()).toMatch(/^localhost:5000\//);
    await reference.fill(typed);
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });

    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse((await rig.call("GET", `/jobs/${encodeURIComponent(id)}`)).body);
    expect(job).toMatchObject({ state: "succeeded", mode: "native", request: { reference: typed } });
    expect(job.result?.reference).toBe(typed);
    const digest = job.result?.digest ?? "";
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    // The job page names the reference as typed, and its report (GET /manifest through ddClient, pinned to the
    // digest) reads the registry under the typed registry name.
    await page.getByText(`Published ${typed}`, { exact: true }).waitFor();
    const pinned = `localhost:${rig.registry.port}/acme/tiny-llm@${digest}`;
    const manifest = page.getByRole("region", { name: "Manifest" });
    await manifest.getByRole("heading", { name: pinned, exact: true }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("manifest-digest").textContent()).toBe(digest);
    const report = ManifestReport.parse(
      (await rig.call("GET", `/manifest?reference=${encodeURIComponent(typed)}`)).body,
    );
    expect(report.reference).toBe(typed);
    expect(report.pullCommands.skopeo).toContain(`docker://${typed}`);
    await page.getByRole("region", { name: "Pull commands" }).getByText(`docker://${pinned}`).waitFor();

    // What the user pulls, from the host side, under the same name (`skopeo inspect --raw`: a ModelPack artifact is
    // not an image, so skopeo reads its manifest raw; the digest is that manifest's sha256).
    expect(skopeoRawDigest(typed).digest).toBe(digest);

    // Every backend call went through ddClient, answers wrapped as `{data}`; toasts went to Desktop.
    expect(rig.desktop.serviceCalls.some((c) => c.method === "POST" && c.url === "/publish" && c.status === 202)).toBe(
      true,
    );
    expect(rig.ui.misses.filter((miss) => backendRoute.test(miss))).toEqual([]);
    expect(rig.desktop.toasts).toContainEqual({ kind: "success", message: expect.stringContaining(typed) });
    expect(rig.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it("shows a ServiceError as the contract's message, with answers unwrapped as older Desktop sends them", async () => {
    rig.desktop.answers = "bare";
    try {
      const typed = `localhost:${rig.registry.port}/acme/tiny-llm:latest`;
      const page = await rig.open(`#/inspect?ref=${encodeURIComponent(typed)}`);
      await page.getByRole("region", { name: "Manifest" }).getByRole("heading", { name: typed, exact: true }).waitFor();
      await page.getByRole("region", { name: "Pull commands" }).getByText(`docker://${typed}`).waitFor();

      const invalid = `localhost:${rig.registry.port}/Acme/Tiny:latest`;
      const refused = await rig.call("GET", `/manifest?reference=${encodeURIComponent(invalid)}`);
      expect(refused.status).toBe(400);
      const { error } = ErrorEnvelope.parse(refused.body);
      await rig.open(`#/inspect?ref=${encodeURIComponent(invalid)}`);
      const alert = page.getByRole("alert");
      await alert.getByText(error.message, { exact: true }).waitFor();
      expect(await alert.textContent()).not.toContain('{"error"');
      // The UI asked through vm.service and Desktop rejected with the 400 (other calls, e.g. status polls, may follow).
      const manifestCalls = rig.desktop.serviceCalls.filter((c) => c.url.includes(encodeURIComponent(invalid)));
      expect(manifestCalls.map((c) => ({ method: c.method, status: c.status }))).toContainEqual({
        method: "GET",
        status: 400,
      });
    } finally {
      rig.desktop.answers = "data";
    }
  });

  it("fails the same publish with registry_unreachable when the backend has no loopback alias", async () => {
    const typed = `localhost:${rig.registry.port}/acme/tiny-llm:no-alias`;
    const backend = await rig.startBackend("no-alias", { REGISTRY_LOOPBACK_HOST: "" });
    try {
      const socket = backend.socket as string;
      const call = async (method: string, url: string, data?: unknown) =>
        JSON.parse((await socketRequest(socket, { method, url, data })).text) as unknown;
      const { job: queued } = JobResponse.parse(
        await call("POST", "/publish", { source: `huggingface://${model.id}`, reference: typed, mode: "native" }),
      );
      const job = await waitForJob(() => call("GET", `/jobs/${encodeURIComponent(queued.id)}`));
      expect(job.state).toBe("failed");
      expect(job.error?.code).toBe("registry_unreachable");
    } finally {
      await backend.stop();
    }
  });

  it("signs in to a local registry whose token realm is on the host side's loopback too", async () => {
    const user = { username: "local-user", password: "local-pa55" };
    const dir = mkdtempSync(join(tmpdir(), "mp-desktop-token-"));
    const service = "local-registry";
    const tokens = await startTokenServer({ dir, service, issuer: "mp-desktop-issuer", user });
    // The registry names its realm `http://127.0.0.1:<port>/token`: the backend must fetch it at the alias as well.
    const registry = await startRegistry({
      token: { realm: tokens.realm, service, issuer: "mp-desktop-issuer", rootCertBundle: tokens.certPath },
    });
    try {
      await rig.link.expose([Number(new URL(tokens.realm).port), registry.port]);
      const host = `localhost:${registry.port}`;
      const wrong = await rig.call("POST", "/registries/login", { host, username: user.username, password: "nope" });
      expect(wrong.status).toBe(401);
      expect(ErrorEnvelope.parse(wrong.body).error.code).toBe("registry_unauthorized");
      const right = await rig.call("POST", "/registries/login", { host, ...user });
      expect(right.status).toBe(204);
      expect(tokens.requests.some((r) => r.user === user.username)).toBe(true);
      // Stored and listed under the registry as typed, never under the alias.
      const { registries } = SettingsResponse.parse((await rig.call("GET", "/settings")).body);
      expect(registries).toContainEqual({ host, username: user.username });
      expect(registries.map((r) => r.host).filter((h) => h.includes(hostAlias))).toEqual([]);
    } finally {
      await registry.stop();
      await tokens.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
