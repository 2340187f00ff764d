import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pushLayout, type BlobProgressEvent } from "../../backend/src/registry/layout-pusher.js";
import { RegistryClient, referenceOf } from "../../backend/src/registry/registry-client.js";
import { startFaultProxy } from "../harness/fault-proxy.js";
import { startWireFaultProxy } from "../harness/wire-fault-proxy.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { writeModelpackLayout, type WrittenLayout } from "../fixtures/modelpack-layout.js";

const bigBlobBytes = 70 * 1024 * 1024;

function skopeo(args: string[]): { stdout: Buffer; stderr: string; status: number | null } {
  const result = spawnSync("skopeo", args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.error)
    throw new Error(`skopeo failed to run (install the Debian package skopeo): ${result.error.message}`);
  return { stdout: result.stdout, stderr: result.stderr.toString(), status: result.status };
}

describe("layout pusher against a real registry", () => {
  let registry: RunningRegistry;
  let work: string;
  let layout: WrittenLayout;
  let client: RegistryClient;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-push-"));
    [registry, layout] = await Promise.all([
      startRegistry(),
      writeModelpackLayout(
        join(work, "layout"),
        [
          { path: "model.safetensors", size: bigBlobBytes },
          { path: "config.json", content: '{"architectures":["Qwen3ForCausalLM"]}' },
          { path: "README.md", content: "# tiny\n" },
          { path: "original/params.json", content: '{"dim":8}' },
        ],
        { name: "tiny" },
      ),
    ]);
    client = new RegistryClient({ stateDir: join(work, "state"), env: { HOME: work } });
  });

  afterAll(async () => {
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("pushes byte for byte: registry digest = index.json digest; skopeo reads the same manifest and every blob", async () => {
    const ref = referenceOf(`${registry.host}/models/tiny:v1`);
    const events: BlobProgressEvent[] = [];
    const result = await pushLayout({
      dir: layout.dir,
      repository: client.repository(ref),
      tag: ref.tag,
      onProgress: (e) => events.push(e),
    });
    expect(result.digest).toBe(layout.manifestDigest);
    expect(result.blobsUploaded).toBe(5);
    const big = layout.layers[0]!;
    const bigEvents = events.filter((e) => e.id === big.digest);
    expect(bigEvents.at(-1)).toMatchObject({
      status: "verified",
      done: big.size,
      total: big.size,
      name: "model.safetensors",
    });
    expect(bigEvents.filter((e) => e.status === "uploading").length).toBeGreaterThan(2);

    const head = await fetch(`${registry.url}/v2/models/tiny/manifests/v1`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(head.headers.get("docker-content-digest")).toBe(layout.manifestDigest);

    const raw = skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${registry.host}/models/tiny:v1`]);
    expect(raw.status, raw.stderr).toBe(0);
    expect(Buffer.compare(raw.stdout, layout.manifestBytes)).toBe(0);

    const out = join(work, "copied");
    const copy = skopeo(["copy", "--src-tls-verify=false", `docker://${registry.host}/models/tiny:v1`, `dir:${out}`]);
    expect(copy.status, copy.stderr).toBe(0);
    const files = await readdir(out);
    for (const blob of [...layout.layers.map((l) => l.digest)]) {
      const hex = blob.slice("sha256:".length);
      expect(files).toContain(hex);
      const bytes = await readFile(join(out, hex));
      expect(`sha256:${createHash("sha256").update(bytes).digest("hex")}`).toBe(blob);
    }
  });

  it("re-pushing uploads no blob bytes and still succeeds", async () => {
    const proxy = await startFaultProxy({ host: "127.0.0.1", port: registry.port });
    try {
      const ref = referenceOf(`${proxy.host}/models/tiny:v1`);
      const events: BlobProgressEvent[] = [];
      const result = await pushLayout({
        dir: layout.dir,
        repository: client.repository(ref),
        tag: ref.tag,
        onProgress: (e) => events.push(e),
      });
      expect(result.digest).toBe(layout.manifestDigest);
      expect(result.bytesUploaded).toBe(0);
      expect(result.blobsSkipped).toBe(5);
      expect(events.every((e) => e.status === "skipped")).toBe(true);
      // Only the manifest PUT carries a body through the proxy.
      expect(proxy.bytesReceived()).toBe(layout.manifestBytes.length);
      expect(proxy.requests().filter((r) => r.startsWith("PATCH") || r.startsWith("POST"))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("survives a connection dropped mid-blob and a 503, sending under 1.5× the layout", async () => {
    const ref = referenceOf(`${registry.host}/models/faults:v1`);
    const proxy = await startFaultProxy({ host: "127.0.0.1", port: registry.port });
    try {
      const viaProxy = referenceOf(`${proxy.host}/models/faults:v1`);
      proxy.dropMidBodyOnce(20 * 1024 * 1024, (r) => r.method === "PATCH");
      proxy.fail503Once((r) => r.method === "PATCH");
      const fast = new RegistryClient({
        stateDir: join(work, "state"),
        env: { HOME: work },
        retry: { attempts: 5, baseDelayMs: 20, maxDelayMs: 200 },
      });
      const result = await pushLayout({ dir: layout.dir, repository: fast.repository(viaProxy), tag: viaProxy.tag });
      expect(proxy.faultsFired()).toBe(2);
      // The 503 left the session intact: resumed from the registry's Range. distribution 2.8 cancels a session
      // after a partial chunk, so the drop starts that blob over.
      expect(result.resumes).toBeGreaterThanOrEqual(1);
      expect(result.resumes + result.restarts).toBe(2);
      expect(result.digest).toBe(layout.manifestDigest);
      expect(proxy.bytesReceived()).toBeLessThan(1.5 * layout.totalBytes);
      const head = await fetch(`${registry.url}/v2/${ref.repository}/manifests/v1`, {
        method: "HEAD",
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      expect(head.headers.get("docker-content-digest")).toBe(layout.manifestDigest);
    } finally {
      await proxy.close();
    }
  });

  it("drops the upload session it cannot finish: a push failing after a committed chunk leaves no session and no tag", async () => {
    const proxy = await startWireFaultProxy({ host: "127.0.0.1", port: registry.port });
    try {
      const viaProxy = referenceOf(`${proxy.host}/models/abandoned:v1`);
      // The first PATCH (32 MiB of the big blob) lands; every later one is refused, so the upload fails for good
      // with data already in the session.
      let patches = 0;
      proxy.arm(
        { kind: "status", status: 503 },
        { times: Infinity, match: (r) => r.method === "PATCH" && ++patches > 1 },
      );
      const fast = new RegistryClient({
        stateDir: join(work, "state"),
        env: { HOME: work },
        retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
      });
      await expect(
        pushLayout({ dir: layout.dir, repository: fast.repository(viaProxy), tag: viaProxy.tag }),
      ).rejects.toThrow();
      expect(proxy.fired()).toBeGreaterThan(0);
      expect(proxy.requests().filter((r) => r.startsWith("DELETE") && r.includes("/blobs/uploads/"))).not.toEqual([]);
      expect(registry.uploadSessions("models/abandoned")).toEqual([]);
      const head = await fetch(`${registry.url}/v2/models/abandoned/manifests/v1`, { method: "HEAD" });
      expect(head.status).toBe(404);
    } finally {
      await proxy.close();
    }
  });
});
