// One download, several registries (issue 13): a backend process publishing to targets on two real registries, the
// Hub test server counting what it serves, recording proxies in front of the registries to see every request.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldAll, foldJobEvents, Job, JobEventsResponse, type JobEvent } from "@model-publisher/contract";
import { startHubServer, type HubModelSpec, type HubServer } from "../fixtures/hub-server.js";
import { MiB } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { startFaultProxy, type FaultProxy } from "../harness/fault-proxy.js";
import { freePort, startRegistry, type RunningRegistry } from "../harness/registry.js";
import { startWireFaultProxy, type WireFaultProxy } from "../harness/wire-fault-proxy.js";

/** A model of its own per test, so what one test pushed is no mount source for the next. */
function model(name: string, weights: number): HubModelSpec {
  return {
    id: `acme/${name}`,
    files: [
      { path: "config.json", content: JSON.stringify({ model_type: name }) },
      { path: "model.safetensors", size: weights },
    ],
  };
}

let hub: HubServer;
/** Registry A, reached through a recording proxy (`viaA`), and registry B. */
let registryA: RunningRegistry;
let viaA: FaultProxy;
let registryB: RunningRegistry;
/** Registry C: reachable, but every blob PATCH through `viaC` fails. */
let registryC: RunningRegistry;
let viaC: WireFaultProxy;
let backend: BackendProcess;

beforeAll(async () => {
  requireSkopeo();
  hub = await startHubServer({
    models: [
      model("fan-three", 12 * MiB),
      model("fan-dead", 12 * MiB),
      model("fan-second", 3 * MiB),
      model("fan-export", 3 * MiB),
      model("fan-direct", 3 * MiB),
      model("fan-tags", 3 * MiB),
      model("fan-ghost", 3 * MiB),
    ],
  });
  registryA = await startRegistry();
  viaA = await startFaultProxy({ host: "127.0.0.1", port: registryA.port });
  registryB = await startRegistry();
  registryC = await startRegistry();
  viaC = await startWireFaultProxy({ host: "127.0.0.1", port: registryC.port });
  backend = await startBackendProcess({ env: { HF_ENDPOINT: hub.url } });
}, 120_000);

afterAll(async () => {
  await backend?.stop();
  await viaA?.close();
  await viaC?.close();
  for (const registry of [registryA, registryB, registryC]) await registry?.stop();
  await hub?.stop();
});

const call = (method: string, path: string, body?: unknown) => callApi(backend.address, method, path, body);

async function publish(body: Record<string, unknown>): Promise<Job> {
  const answer = await call("POST", "/publish", body);
  expect(answer.status, answer.text).toBe(202);
  return Job.parse((answer.body as { job: unknown }).job);
}

async function finished(id: string, timeoutMs = 120_000): Promise<Job> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = Job.parse(((await call("GET", `/jobs/${id}`)).body as { job: unknown }).job);
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${job.state}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function events(id: string): Promise<JobEvent[]> {
  return JobEventsResponse.parse((await call("GET", `/jobs/${id}/events?limit=1000`)).body).events;
}

async function jobCount(): Promise<number> {
  return ((await call("GET", "/jobs?limit=200")).body as { jobs: unknown[] }).jobs.length;
}

/** Copies the whole artifact with skopeo (every blob read and checked): the manifest digest it got. */
function skopeoCopies(reference: string): string {
  const dir = mkdtempSync(join(tmpdir(), "mp-fanout-copy-"));
  try {
    const copy = spawnSync("skopeo", ["copy", "--src-tls-verify=false", `docker://${reference}`, `dir:${dir}`]);
    if (copy.status !== 0) throw new Error(`skopeo copy ${reference} failed: ${copy.stderr.toString()}`);
    return `sha256:${createHash("sha256")
      .update(readFileSync(join(dir, "manifest.json")))
      .digest("hex")}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bytes the Hub test server sent of each file of a model. */
function servedOf(id: string): Record<string, number> {
  return Object.fromEntries(hub.files(id).map((file) => [file.path, hub.bytesServed.get(`${id}/${file.path}`) ?? 0]));
}

/** Requests (with their query) that went to one repository through registry A's proxy since `from`. */
function requestsFor(repository: string, from: number): string[] {
  return viaA
    .requestUrls()
    .slice(from)
    .filter((request) => request.split(" ")[1]?.startsWith(`/v2/${repository}/`));
}

/** Blob upload requests: a session opened without a mount, or bytes sent into one. */
function blobUploads(requests: string[]): string[] {
  return requests.filter(
    (request) =>
      /^(PATCH|PUT) \/v2\/.+\/blobs\/uploads\//.test(request) ||
      (/^POST \/v2\/.+\/blobs\/uploads\//.test(request) && !request.includes("mount=")),
  );
}

/** A host for references refused before anything is sent. */
const nowhere = "127.0.0.1:9";

const mounts = (requests: string[]) =>
  requests.filter((request) => /^POST .*\/blobs\/uploads\/\?.*mount=/.test(request));

describe("publishing to several registries", () => {
  it("(a) three targets on two registries: one download, identical digests, mounts within a registry", async () => {
    const from = viaA.requestUrls().length;
    const references = [`${viaA.host}/fan/one:v1`, `${viaA.host}/fan/two:v1`, `${registryB.host}/fan/three:v1`];
    const job = await publish({ source: "huggingface://acme/fan-three", references, mode: "native" });
    const done = await finished(job.id);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    // The first target stands for the job; every target is listed in request order with the one digest.
    expect(done.result?.reference).toBe(references[0]);
    const digest = done.result?.digest as string;
    expect(done.result?.references).toEqual(references.map((reference) => ({ reference, state: "succeeded", digest })));
    expect(skopeoCopies(`${registryA.host}/fan/one:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryA.host}/fan/two:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryB.host}/fan/three:v1`)).toBe(digest);
    // The Hub sent every file once, whatever the number of targets.
    const sizes = Object.fromEntries(hub.files("acme/fan-three").map((file) => [file.path, file.size]));
    expect(servedOf("acme/fan-three")).toEqual(sizes);
    // Registry A got the bytes once: its second repository mounted every blob from the first.
    const second = requestsFor("fan/two", from);
    expect(blobUploads(second)).toEqual([]);
    expect(mounts(second)).toHaveLength(3);
    expect(blobUploads(requestsFor("fan/one", from))).not.toEqual([]);
    // Per-target progress: each target's steps and bytes are its own events.
    const all = await events(job.id);
    for (const reference of references) {
      const steps = all.filter((e) => e.type === "step" && e.target === reference && e.status === "completed");
      expect(steps.map((e) => (e.type === "step" ? e.id : "")).sort()).toEqual([
        "phase:checking",
        "phase:manifest",
        "phase:transferring",
      ]);
      const weights = all.filter((e) => e.type === "bytes" && e.target === reference && e.name === "model.safetensors");
      expect(weights.at(-1)).toMatchObject({ done: 12 * MiB, total: 12 * MiB });
      // From the checking phase on, each target says what it still needs: its first word on the weights is 0 bytes.
      expect(weights[0]).toMatchObject({ done: 0, total: 12 * MiB, status: "waiting" });
    }
    // Folded as the UI folds them, the job's bytes only ever grow: no file counts as done before its slowest target.
    let fold = foldAll([]);
    let before = 0;
    for (const event of all) {
      fold = foldJobEvents(fold, [event]);
      expect(fold.progress.bytesDone ?? 0).toBeGreaterThanOrEqual(before);
      before = fold.progress.bytesDone ?? 0;
    }
    const download = all.filter((e) => e.type === "bytes" && e.target === undefined && e.name === "model.safetensors");
    expect(download.at(-1)).toMatchObject({ done: 12 * MiB, status: "verified" });
    expect(done.progress.bytesTotal).toBe(Object.values(sizes).reduce((sum, size) => sum + size, 0));
  }, 120_000);

  it("two tags of one repository and a second repository: the bytes go up once, the other repository mounts", async () => {
    const from = viaA.requestUrls().length;
    const references = [`${viaA.host}/tags/m:v1`, `${viaA.host}/tags/m:v2`, `${viaA.host}/tags/other:v1`];
    const job = await publish({ source: "huggingface://acme/fan-tags", references, mode: "native" });
    const done = await finished(job.id);
    expect(done.error).toBeUndefined();
    const digest = done.result?.digest as string;
    expect(done.result?.references).toEqual(references.map((reference) => ({ reference, state: "succeeded", digest })));
    for (const tag of ["tags/m:v1", "tags/m:v2", "tags/other:v1"]) {
      expect(skopeoCopies(`${registryA.host}/${tag}`)).toBe(digest);
    }
    // The second tag needs nothing sent, and it must not turn mounting off for the registry's other repository.
    expect(mounts(requestsFor("tags/other", from))).toHaveLength(3);
    expect(blobUploads(requestsFor("tags/other", from))).toEqual([]);
    const uploads = blobUploads(requestsFor("tags/m", from)).filter((request) => request.startsWith("POST"));
    expect(uploads).toHaveLength(3);
  }, 120_000);

  it("(b) dead targets fail alone: partial_publish names them, the others are whole, nothing is left open", async () => {
    const deadPort = await freePort();
    const references = [
      `${viaA.host}/dead/ok:v1`,
      `${registryB.host}/dead/ok:v1`,
      `${viaC.host}/dead/failing:v1`,
      `127.0.0.1:${deadPort}/dead/unreachable:v1`,
    ];
    // Registry C answers everything but the blob bytes: sessions open, then every PATCH fails.
    viaC.arm({ kind: "status", status: 503 }, { times: Infinity, match: (req) => req.method === "PATCH" });
    let done: Job;
    try {
      const job = await publish({ source: "huggingface://acme/fan-dead", references, mode: "native" });
      done = await finished(job.id);
      expect(viaC.fired()).toBeGreaterThan(0);
    } finally {
      viaC.clear();
    }
    expect(done.state).toBe("failed");
    expect(done.error?.code).toBe("partial_publish");
    expect(done.error?.details).toEqual({ failedReferences: [references[2], references[3]] });
    expect(done.error?.message).toContain(references[2]);
    expect(done.error?.message).toContain(references[3]);
    const digest = done.result?.digest as string;
    expect(done.result?.references?.map((target) => [target.reference, target.state])).toEqual([
      [references[0], "succeeded"],
      [references[1], "succeeded"],
      [references[2], "failed"],
      [references[3], "failed"],
    ]);
    expect(done.result?.references?.[2]?.error?.code).toBe("registry_unreachable");
    expect(done.result?.references?.[3]?.error?.code).toBe("registry_unreachable");
    expect(skopeoCopies(`${registryA.host}/dead/ok:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryB.host}/dead/ok:v1`)).toBe(digest);
    // The failing registry holds no tag and no upload session the backend opened.
    const tag = await fetch(`${registryC.url}/v2/dead/failing/manifests/v1`, { method: "HEAD" });
    expect(tag.status).toBe(404);
    expect(registryC.uploadSessions("dead/failing")).toEqual([]);
    const all = await events(done.id);
    const errored = all
      .filter((e) => e.type === "step" && e.status === "errored")
      .map((e) => e.type === "step" && e.target);
    expect(errored.sort()).toEqual([references[2], references[3]].sort());
  }, 120_000);

  it("(c) a second repository of the same registry mounts every blob: no blob upload, no Hub byte", async () => {
    const first = await finished(
      (
        await publish({
          source: "huggingface://acme/fan-second",
          reference: `${viaA.host}/second/one:v1`,
          mode: "native",
        })
      ).id,
    );
    expect(first.state).toBe("succeeded");
    const from = viaA.requestUrls().length;
    const servedBefore = servedOf("acme/fan-second");
    const again = await finished(
      (
        await publish({
          source: "huggingface://acme/fan-second",
          reference: `${viaA.host}/second/two:v1`,
          mode: "native",
        })
      ).id,
    );
    expect(again.error).toBeUndefined();
    expect(again.result?.digest).toBe(first.result?.digest);
    expect(skopeoCopies(`${registryA.host}/second/two:v1`)).toBe(first.result?.digest);
    const requests = requestsFor("second/two", from);
    expect(blobUploads(requests)).toEqual([]);
    // Two layers and the config, each mounted from the first repository.
    expect(mounts(requests)).toHaveLength(3);
    expect(mounts(requests).every((request) => request.includes("from=second%2Fone"))).toBe(true);
    expect(servedOf("acme/fan-second")).toEqual(servedBefore);
    const mounted = (await events(again.id)).filter((e) => e.type === "bytes" && e.status === "mounted");
    expect(mounted.map((e) => (e.type === "bytes" ? e.name : "")).sort()).toEqual(["config.json", "model.safetensors"]);
  }, 120_000);

  it("a mount the registry answers with 202 (the source lost the blob) falls back to the upload and leaves no session", async () => {
    const first = await finished(
      (
        await publish({
          source: "huggingface://acme/fan-ghost",
          reference: `${viaA.host}/ghost/one:v1`,
          mode: "native",
        })
      ).id,
    );
    expect(first.state).toBe("succeeded");
    // The job history still says ghost/one holds the blobs; the registry no longer links them there.
    rmSync(join(registryA.storageDir, "docker/registry/v2/repositories/ghost/one/_layers"), { recursive: true });
    const from = viaA.requestUrls().length;
    const again = await finished(
      (
        await publish({
          source: "huggingface://acme/fan-ghost",
          reference: `${viaA.host}/ghost/two:v1`,
          mode: "native",
        })
      ).id,
    );
    expect(again.error).toBeUndefined();
    expect(skopeoCopies(`${registryA.host}/ghost/two:v1`)).toBe(first.result?.digest);
    const requests = requestsFor("ghost/two", from);
    // Each of the two layers and the config was asked for by mount first, then uploaded.
    expect(mounts(requests)).toHaveLength(3);
    expect(mounts(requests).every((request) => request.includes("from=ghost%2Fone"))).toBe(true);
    expect(requests.filter((request) => /^PUT \/v2\/ghost\/two\/blobs\/uploads\//.test(request))).toHaveLength(3);
    // The sessions the 202s opened were ended, as were the uploads' own.
    expect(registryA.uploadSessions("ghost/two")).toEqual([]);
    const uploaded = (await events(again.id)).filter((e) => e.type === "bytes" && e.status === "mounted");
    expect(uploaded).toEqual([]);
    // The history forgot ghost/one: a third repository is not sent there to mount again.
    const third = viaA.requestUrls().length;
    const last = await finished(
      (
        await publish({
          source: "huggingface://acme/fan-ghost",
          reference: `${viaA.host}/ghost/three:v1`,
          mode: "native",
        })
      ).id,
    );
    expect(last.state).toBe("succeeded");
    expect(mounts(requestsFor("ghost/three", third)).some((request) => request.includes("from=ghost%2Fone"))).toBe(
      false,
    );
  }, 120_000);

  it("(d) export mode builds once and pushes the layout to each target, mounting within a registry", async () => {
    const from = viaA.requestUrls().length;
    const references = [
      `${viaA.host}/export/one:v1`,
      `${viaA.host}/export/two:v1`,
      `${registryB.host}/export/three:v1`,
    ];
    const job = await publish({ source: "huggingface://acme/fan-export", references, mode: "export" });
    const done = await finished(job.id);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    const digest = done.result?.digest as string;
    expect(done.result?.references).toEqual(references.map((reference) => ({ reference, state: "succeeded", digest })));
    expect(skopeoCopies(`${registryA.host}/export/one:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryA.host}/export/two:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryB.host}/export/three:v1`)).toBe(digest);
    expect(blobUploads(requestsFor("export/two", from))).toEqual([]);
    expect(mounts(requestsFor("export/two", from)).length).toBeGreaterThan(0);
    // One build for every target.
    expect(backend.dockerCallsBesidesHealth().filter((c) => c.startsWith("buildx build"))).toHaveLength(1);
    const pushes = (await events(job.id)).filter((e) => e.type === "step" && e.id === "phase:pushing" && e.target);
    expect(new Set(pushes.map((e) => e.type === "step" && e.target))).toEqual(new Set(references));
  }, 120_000);

  it("direct mode: the builder pushes the first target, the others are copied registry to registry", async () => {
    const from = viaA.requestUrls().length;
    const references = [
      `${viaA.host}/direct/one:v1`,
      `${viaA.host}/direct/two:v1`,
      `${registryB.host}/direct/three:v1`,
    ];
    const builds = backend.dockerCallsBesidesHealth().filter((c) => c.startsWith("buildx build")).length;
    const job = await publish({
      source: "huggingface://acme/fan-direct",
      references,
      mode: "direct",
      builder: "default",
    });
    const done = await finished(job.id);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    const digest = skopeoRawDigest(`${registryA.host}/direct/one:v1`).digest;
    expect(done.result?.references).toEqual(references.map((reference) => ({ reference, state: "succeeded", digest })));
    expect(skopeoCopies(`${registryA.host}/direct/two:v1`)).toBe(digest);
    expect(skopeoCopies(`${registryB.host}/direct/three:v1`)).toBe(digest);
    expect(blobUploads(requestsFor("direct/two", from))).toEqual([]);
    expect(mounts(requestsFor("direct/two", from)).length).toBeGreaterThan(0);
    expect(backend.dockerCallsBesidesHealth().filter((c) => c.startsWith("buildx build"))).toHaveLength(builds + 1);
  }, 120_000);

  it.each([
    ["empty", { references: [] }],
    ["duplicates", { references: [`${nowhere}/bad/a:1`, `${nowhere}/bad/a:1`] }],
    ["nine", { references: Array.from({ length: 9 }, (_, i) => `${nowhere}/bad/a:${i}`) }],
    ["not a list", { references: `${nowhere}/bad/a:1` }],
    ["mixed with reference", { reference: `${nowhere}/bad/a:1`, references: [`${nowhere}/bad/b:1`] }],
  ])("(e) bad references (%s) answer 400 invalid_request and create no job", async (_name, targets) => {
    const before = await jobCount();
    const answer = await call("POST", "/publish", {
      source: "huggingface://acme/fan-second",
      mode: "native",
      ...targets,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: "invalid_request", details: { issues: expect.arrayContaining([expect.anything()]) } },
    });
    expect(await jobCount()).toBe(before);
  });
});
