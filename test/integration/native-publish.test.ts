// Native publish end to end: the Hub test server, the real registry behind a fault proxy, the backend over HTTP.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Job, JobEventsResponse, type JobEvent } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.js";
import { startPublishBackend, type PublishBackend } from "../harness/publish-backend.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { validateConfig } from "../../backend/src/modelpack/testdata/validate-config.js";

const MiB = 1024 * 1024;
const bigSize = 256 * MiB + 1;

let hub: HubServer;
let registry: RunningRegistry;
let proxy: FaultProxy;
/**
 * A second registry the backend has published nothing to: a repository of the first would mount the blobs already
 * pushed there, so tests that need every byte on the wire publish here.
 */
let fresh: RunningRegistry;
let freshProxy: FaultProxy;
let backend: PublishBackend;

beforeAll(async () => {
  requireSkopeo();
  hub = await startHubServer({
    models: [
      {
        id: "acme/big",
        cardData: { license: "apache-2.0" },
        safetensors: { parameters: { BF16: 134217728 }, total: 134217728 },
        files: [
          { path: "model.safetensors", size: bigSize },
          { path: "config.json", content: JSON.stringify({ model_type: "big", hidden_size: 64 }) },
          { path: "README.md", content: "# big\n" },
          { path: "tokenizer.json", size: 300 * 1024, lfs: false },
          { path: "original/consolidated.pth", size: 4096 },
        ],
      },
      {
        id: "acme/lonely",
        files: [{ path: "model.safetensors", size: 12 * MiB }],
      },
      {
        id: "acme/small",
        files: [
          { path: "model.safetensors", size: 12 * MiB },
          { path: "config.json", content: JSON.stringify({ model_type: "small" }) },
        ],
      },
    ],
  });
  registry = await startRegistry();
  proxy = await startFaultProxy({ host: "127.0.0.1", port: registry.port });
  fresh = await startRegistry();
  freshProxy = await startFaultProxy({ host: "127.0.0.1", port: fresh.port });
  backend = await startPublishBackend({ hubUrl: hub.url });
}, 120_000);

afterAll(async () => {
  await backend?.stop();
  await proxy?.close();
  await registry?.stop();
  await freshProxy?.close();
  await fresh?.stop();
  await hub?.stop();
});

const call = (method: string, path: string, body?: unknown) => backend.call(method, path, body);

async function publish(source: string, reference: string, extra: Record<string, unknown> = {}): Promise<Job> {
  const answer = await call("POST", "/publish", { source, reference, mode: "native", ...extra });
  expect(answer.status).toBe(202);
  return Job.parse((answer.body as { job: unknown }).job);
}

async function waitFor(id: string, until: (job: Job) => boolean, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = Job.parse(((await call("GET", `/jobs/${id}`)).body as { job: unknown }).job);
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${job.state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const finished = (job: Job) => ["succeeded", "failed", "canceled", "interrupted"].includes(job.state);

async function events(id: string): Promise<JobEvent[]> {
  return JobEventsResponse.parse((await call("GET", `/jobs/${id}/events?limit=1000`)).body).events;
}

function hubBytes(): number {
  return [...hub.bytesServed.values()].reduce((sum, n) => sum + n, 0);
}

function blobUploads(requests: string[]): string[] {
  return requests.filter((r) => /^(POST|PATCH|PUT) \/v2\/.+\/blobs\/uploads\//.test(r));
}

function tagExists(repository: string, tag: string, where: RunningRegistry = registry): boolean {
  const result = spawnSync("skopeo", [
    "inspect",
    "--raw",
    "--tls-verify=false",
    `docker://${where.host}/${repository}:${tag}`,
  ]);
  return result.status === 0;
}

const bigModelSize = () =>
  hub
    .files("acme/big")
    .filter((f) => !f.path.startsWith("original/"))
    .reduce((sum, f) => sum + f.size, 0);

describe("native publish", () => {
  let firstDigest = "";

  it("streams a model into the registry; skopeo reads it back with the Hub's sha256 as layer digests (acceptance 1)", async () => {
    const job = await publish("huggingface://acme/big", `${proxy.host}/acme/big:v1`, { exclude: ["original/*"] });
    const done = await waitFor(job.id, finished);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    expect(done.mode).toBe("native");

    const inRegistry = skopeoRawDigest(`${registry.host}/acme/big:v1`);
    expect(done.result?.digest).toBe(inRegistry.digest);
    expect(inRegistry.manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    const layers = inRegistry.manifest.layers as Array<{
      digest: string;
      size: number;
      annotations: Record<string, string>;
    }>;
    const stored = hub.files("acme/big");
    expect(done.result?.totalSize).toBe(layers.reduce((sum, l) => sum + l.size, 0));
    expect(done.result?.manifest?.totalSize).toBe(done.result?.totalSize);
    expect(layers.map((l) => l.annotations["org.cncf.model.filepath"]).sort()).toEqual([
      "README.md",
      "config.json",
      "model.safetensors",
      "tokenizer.json",
    ]);
    for (const layer of layers) {
      const file = stored.find((f) => f.path === layer.annotations["org.cncf.model.filepath"]);
      expect(layer.digest).toBe(`sha256:${file?.sha256}`);
      expect(layer.size).toBe(file?.size);
    }
    expect(stored.find((f) => f.path === "config.json")?.lfs).toBeUndefined();

    const config = spawnSync("skopeo", [
      "inspect",
      "--config",
      "--raw",
      "--tls-verify=false",
      `docker://${registry.host}/acme/big:v1`,
    ]);
    expect(config.status).toBe(0);
    const parsed = JSON.parse(config.stdout.toString("utf8")) as {
      descriptor: Record<string, unknown>;
      modelfs: { diffIds: string[] };
    };
    expect(validateConfig(parsed), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(parsed.descriptor).toMatchObject({ revision: hub.commit("acme/big"), licenses: ["apache-2.0"] });
    expect(parsed.modelfs.diffIds).toEqual(layers.map((l) => l.digest));

    // One pass: the big file came down once (plus at most the pre-fetch of git files).
    expect(hub.bytesServed.get("acme/big/model.safetensors")).toBe(bigSize);
    expect(hub.bytesServed.get("acme/big/original/consolidated.pth") ?? 0).toBe(0);
    const all = await events(job.id);
    const phases = all
      .filter((e) => e.type === "step" && e.status === "completed")
      .map((e) => (e.type === "step" ? e.id : ""));
    expect(phases).toEqual([
      "phase:resolving",
      "phase:listing",
      "phase:planning",
      "phase:checking",
      "phase:transferring",
      "phase:manifest",
    ]);
    const bigEvents = all.filter((e) => e.type === "bytes" && e.name === "model.safetensors");
    expect(bigEvents.at(-1)).toMatchObject({ done: bigSize, total: bigSize, status: "verified" });
    expect(all.at(-2)).toMatchObject({ type: "result", result: { digest: inRegistry.digest } });
    firstDigest = inRegistry.digest;
  }, 120_000);

  it("re-publishing to another tag moves no blob bytes and downloads nothing from the Hub (acceptance 2)", async () => {
    expect(firstDigest).not.toBe("");
    const servedBefore = hubBytes();
    const requestsBefore = proxy.requests().length;
    const job = await publish("huggingface://acme/big", `${proxy.host}/acme/big:v2`, { exclude: ["original/*"] });
    const done = await waitFor(job.id, finished);
    expect(done.error).toBeUndefined();
    expect(done.result?.digest).toBe(firstDigest);
    expect(skopeoRawDigest(`${registry.host}/acme/big:v2`).digest).toBe(firstDigest);
    expect(hubBytes() - servedBefore).toBe(0);
    expect(blobUploads(proxy.requests().slice(requestsBefore))).toEqual([]);
    const skipped = (await events(job.id)).filter((e) => e.type === "bytes" && e.status === "skipped");
    expect(skipped).toHaveLength(4);
  }, 60_000);

  it("a corrupted byte from the Hub fails the job with integrity_error and leaves no tag (acceptance 3)", async () => {
    hub.setFault({ kind: "corrupt", file: "acme/small/model.safetensors" });
    try {
      const job = await publish("huggingface://acme/small", `${proxy.host}/acme/small:bad`);
      const done = await waitFor(job.id, finished);
      expect(done.state).toBe("failed");
      expect(done.error?.code).toBe("integrity_error");
      expect(done.error?.message).toMatch(/model\.safetensors/);
    } finally {
      hub.setFault(null);
    }
    expect(tagExists("acme/small", "bad")).toBe(false);
    const res = await fetch(`http://${registry.host}/v2/acme/small/manifests/bad`);
    expect(res.status).toBe(404);
  }, 60_000);

  it("a file that fails the job stops the other files on their way, and leaves no upload session", async () => {
    const elsewhere = await startRegistry();
    const key = "acme/big/model.safetensors";
    const servedBefore = hub.bytesServed.get(key) ?? 0;
    // The small LFS file fails its sha256 check while the big one is still streaming.
    hub.setFault({ kind: "corrupt", file: "acme/big/original/consolidated.pth" });
    try {
      const job = await publish("huggingface://acme/big", `${elsewhere.host}/acme/halted:v1`);
      const done = await waitFor(job.id, finished);
      expect(done.state).toBe("failed");
      expect(done.error?.code).toBe("integrity_error");
      expect(done.error?.message).toMatch(/consolidated\.pth/);
      // The big file's download stopped with the job rather than running to its end.
      expect((hub.bytesServed.get(key) ?? 0) - servedBefore).toBeLessThan(bigSize);
      // No session is left that the backend could end: the ones its POSTs opened as the job failed are ended too
      // (in the background: the job does not wait for them). Distribution keeps a session whose PATCH was cut
      // mid-body under an offset no client can name (its `_state` says less); those hold bytes.
      const uploads = join(elsewhere.storageDir, "docker/registry/v2/repositories/acme/halted/_uploads");
      const empty = () =>
        elsewhere
          .uploadSessions("acme/halted")
          .filter((id) => (statSync(join(uploads, id, "data"), { throwIfNoEntry: false })?.size ?? 0) === 0);
      await expect.poll(empty, { timeout: 5_000 }).toEqual([]);
    } finally {
      hub.setFault(null);
      await elsewhere.stop();
    }
  }, 60_000);

  it("a registry refusing the upload fails the job at once, even while the Hub download waits out a Retry-After", async () => {
    hub.setFault({ kind: "rate-limit", retryAfterSeconds: 30, match: /lonely.*model\.safetensors$/ });
    proxy.failOnce(403, "DENIED", (request) => request.method === "POST");
    try {
      const job = await publish("huggingface://acme/lonely", `${proxy.host}/acme/lonely:v1`);
      const done = await waitFor(job.id, finished, 25_000);
      expect(done.state).toBe("failed");
      expect(done.error?.code).toBe("registry_denied");
      // Long before the Hub's 30 s were up: nothing waited for the download once its only target had failed.
      expect(Date.parse(done.finishedAt ?? "") - Date.parse(done.startedAt ?? "")).toBeLessThan(15_000);
    } finally {
      hub.setFault(null);
    }
  }, 60_000);

  it("a connection drop mid-file on each side is retried; the job succeeds under 1.5x the bytes (acceptance 4)", async () => {
    hub.setFault({ kind: "drop", file: "acme/big/model.safetensors" });
    const cdnHitsBefore = hub.countHits(/\/cdn-lfs\/acme\/big\/.+\/model\.safetensors$/);
    const servedBefore = hubBytes();
    const receivedBefore = freshProxy.bytesReceived();
    const faultsBefore = freshProxy.faultsFired();
    freshProxy.dropMidBodyOnce(96 * MiB, (req) => req.method === "PATCH");
    try {
      const job = await publish("huggingface://acme/big", `${freshProxy.host}/acme/big-drops:v1`, {
        exclude: ["original/*"],
      });
      const done = await waitFor(job.id, finished);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe("succeeded");
      expect(done.result?.digest).toBe(firstDigest);
    } finally {
      hub.setFault(null);
    }
    expect(freshProxy.faultsFired() - faultsBefore).toBe(1);
    // The Hub drop was resumed with a new request rather than failing the job.
    expect(hub.countHits(/\/cdn-lfs\/acme\/big\/.+\/model\.safetensors$/) - cdnHitsBefore).toBeGreaterThanOrEqual(3);
    const size = bigModelSize();
    const downloaded = hubBytes() - servedBefore;
    const uploaded = freshProxy.bytesReceived() - receivedBefore;
    expect(downloaded).toBeGreaterThan(size);
    expect(downloaded).toBeLessThan(1.5 * size);
    expect(uploaded).toBeGreaterThan(size);
    expect(uploaded).toBeLessThan(1.5 * size);
  }, 120_000);

  it("cancel stops every transfer within 2 s and pushes no tag", async () => {
    // Straight to the fresh registry, a host the drop test's pushes (through its proxy) do not count for.
    const job = await publish("huggingface://acme/big", `${fresh.host}/acme/big-cancel:v1`, {
      exclude: ["original/*"],
    });
    await waitFor(job.id, (j) => (j.progress.bytesDone ?? 0) > 8 * MiB || finished(j), 60_000);
    const asked = Date.now();
    const answer = await call("POST", `/jobs/${job.id}/cancel`);
    expect(answer.status).toBe(202);
    const done = await waitFor(job.id, finished, 10_000);
    const tookMs = Date.now() - asked;
    expect(done.state).toBe("canceled");
    expect(tookMs).toBeLessThan(2_000);
    const servedAtCancel = hubBytes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hubBytes() - servedAtCancel).toBeLessThan(4 * MiB);
    expect(tagExists("acme/big-cancel", "v1", fresh)).toBe(false);
  }, 90_000);

  it("refuses tar packaging and https sources at once with a clear 400, creating no job", async () => {
    const jobsBefore = ((await call("GET", "/jobs?limit=200")).body as { jobs: unknown[] }).jobs.length;
    const tar = await call("POST", "/publish", {
      source: "huggingface://acme/small",
      reference: `${proxy.host}/acme/small:tar`,
      mode: "native",
      layerPackaging: "tar",
    });
    expect(tar.status).toBe(400);
    expect(tar.body).toMatchObject({
      error: { code: "invalid_request", message: expect.stringMatching(/raw layers/) },
    });
    const url = await call("POST", "/publish", {
      source: "https://example.com/model.gguf",
      reference: `${proxy.host}/acme/small:url`,
      mode: "native",
    });
    expect(url.status).toBe(400);
    expect(url.body).toMatchObject({ error: { code: "invalid_request", message: expect.stringMatching(/Hub/) } });
    expect(((await call("GET", "/jobs?limit=200")).body as { jobs: unknown[] }).jobs).toHaveLength(jobsBefore);
  });

  it("publishes one file of a repo as a generic artifact", async () => {
    const job = await publish("huggingface://acme/small/config.json", `${proxy.host}/acme/small:generic`, {
      target: "generic",
    });
    const done = await waitFor(job.id, finished);
    expect(done.error).toBeUndefined();
    const inRegistry = skopeoRawDigest(`${registry.host}/acme/small:generic`);
    expect(inRegistry.manifest.artifactType).toBe("application/vnd.unknown.artifact.v1");
    const layers = inRegistry.manifest.layers as Array<{ digest: string; annotations: Record<string, string> }>;
    expect(layers).toHaveLength(1);
    expect(layers[0]?.annotations["org.opencontainers.image.title"]).toBe("config.json");
    expect(layers[0]?.digest).toBe(`sha256:${hub.files("acme/small").find((f) => f.path === "config.json")?.sha256}`);
  });
});
