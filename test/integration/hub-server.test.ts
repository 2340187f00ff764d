import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadFile, fileDownloadInfo, listFiles, listModels, modelInfo, HubApiError } from "@huggingface/hub";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { KiB, MiB, tinyModel } from "../fixtures/tiny-model.js";

const token = "hf_fixturegrantedtoken0001";
const otherToken = "hf_fixtureothertoken00002";
const tiny = tinyModel({
  downloads: 50,
  likes: 3,
  libraryName: "transformers",
  pipelineTag: "text-generation",
  tags: ["license:mit"],
  safetensors: { parameters: { BF16: 1234 }, total: 1234 },
  weights: 3 * MiB,
  original: 4 * KiB,
  revisions: [{ name: "v1", type: "tag", files: [{ path: "config.json", content: '{"a":0}' }] }],
});

let hub: HubServer;

beforeAll(async () => {
  hub = await startHubServer({
    tokens: [otherToken],
    treePageSize: 3,
    models: [
      tiny,
      { id: "acme/other", downloads: 10, files: [{ path: "a.txt", content: "a" }] },
      {
        id: "acme/locked",
        gated: "manual",
        grantedTokens: [token],
        files: [{ path: "model.gguf", size: 2048 }],
      },
    ],
  });
});

afterAll(async () => {
  await hub?.stop();
});

describe("hub fixture server, driven by @huggingface/hub", () => {
  it("lists models across Link pages with the expanded fields", async () => {
    const seen = [];
    for await (const m of listModels({ hubUrl: hub.url, search: { query: "acme" }, sort: "downloads" })) seen.push(m);
    expect(seen.map((m) => m.name)).toEqual(["acme/tiny", "acme/other", "acme/locked"]);
    expect(seen[0]).toMatchObject({ downloads: 50, likes: 3, gated: false, private: false, task: "text-generation" });
    expect(seen[2]?.gated).toBe("manual");

    const before = hub.countHits("/api/models");
    const paged = [];
    // limit 1 per request is not something listModels does, so page through the raw Link chain via fetch hook.
    const fetchOnePerPage: typeof fetch = (input, init) => {
      const u = new URL(String(input));
      u.searchParams.set("limit", "1");
      return fetch(u, init);
    };
    for await (const m of listModels({ hubUrl: hub.url, fetch: fetchOnePerPage })) paged.push(m.name);
    expect(paged).toHaveLength(3);
    expect(hub.countHits("/api/models") - before).toBe(3);
  });

  it("answers modelInfo with sha, cardData and safetensors at a branch, tag or commit", async () => {
    const info = await modelInfo({
      hubUrl: hub.url,
      name: "acme/tiny",
      additionalFields: ["sha", "safetensors", "tags"],
    });
    expect(info.sha).toBe(hub.commit("acme/tiny"));
    expect(info.safetensors?.total).toBe(1234);
    const tagged = await modelInfo({ hubUrl: hub.url, name: "acme/tiny", revision: "v1", additionalFields: ["sha"] });
    expect(tagged.sha).toBe(hub.commit("acme/tiny", "v1"));
    expect(tagged.sha).not.toBe(info.sha);
    const bySha = await modelInfo({
      hubUrl: hub.url,
      name: "acme/tiny",
      revision: tagged.sha,
      additionalFields: ["sha"],
    });
    expect(bySha.sha).toBe(tagged.sha);
    await expect(modelInfo({ hubUrl: hub.url, name: "acme/missing" })).rejects.toMatchObject({ statusCode: 401 });
  });

  it("lists a recursive tree over several Link pages with LFS sha256", async () => {
    const entries = [];
    for await (const e of listFiles({ hubUrl: hub.url, repo: "acme/tiny", recursive: true })) entries.push(e);
    const files = entries.filter((e) => e.type === "file");
    expect(files.map((e) => e.path).sort()).toEqual(
      hub
        .files("acme/tiny")
        .map((f) => f.path)
        .sort(),
    );
    expect(entries.some((e) => e.type === "directory" && e.path === "original")).toBe(true);
    const weights = files.find((e) => e.path === "model.safetensors");
    expect(weights?.lfs?.oid).toMatch(/^[0-9a-f]{64}$/);
    expect(weights?.size).toBe(3 * 1024 * 1024);
    expect(hub.countHits(/\/api\/models\/acme\/tiny\/tree\//)).toBeGreaterThanOrEqual(2);
  });

  it("downloads an LFS file through the CDN redirect, with ranges, and the bytes hash to the LFS oid", async () => {
    const info = await fileDownloadInfo({ hubUrl: hub.url, repo: "acme/tiny", path: "model.safetensors" });
    expect(info?.size).toBe(3 * 1024 * 1024);
    expect(info?.url).toContain("/cdn-lfs/");
    const blob = await downloadFile({ hubUrl: hub.url, repo: "acme/tiny", path: "model.safetensors" });
    const bytes = Buffer.from(await (blob as Blob).arrayBuffer());
    const expected = hub.files("acme/tiny").find((f) => f.path === "model.safetensors")?.sha256;
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(expected);
    const slice = Buffer.from(await (blob as Blob).slice(10, 20).arrayBuffer());
    expect(slice.equals(bytes.subarray(10, 20))).toBe(true);
    expect(hub.bytesServed.get("acme/tiny/model.safetensors")).toBeGreaterThanOrEqual(bytes.length);

    const res = await fetch(`${hub.url}/acme/tiny/resolve/main/model.safetensors`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("x-repo-commit")).toBe(hub.commit("acme/tiny"));
    expect(res.headers.get("x-linked-etag")).toBe(`"${expected}"`);
    expect(res.headers.get("x-linked-size")).toBe(String(3 * 1024 * 1024));
  });

  it("answers HEAD and single ranges on plain files with the Hub's headers", async () => {
    const head = await fetch(`${hub.url}/acme/tiny/resolve/main/README.md`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String("# tiny".length));
    expect(head.headers.get("x-repo-commit")).toBe(hub.commit("acme/tiny"));
    expect(head.headers.get("etag")).toMatch(/^"[0-9a-f]{40}"$/);
    const part = await fetch(`${hub.url}/acme/tiny/resolve/main/README.md`, { headers: { Range: "bytes=2-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 2-5/6");
    expect(await part.text()).toBe("tiny");
    const beyond = await fetch(`${hub.url}/acme/tiny/resolve/main/README.md`, { headers: { Range: "bytes=99-" } });
    expect(beyond.status).toBe(416);
    const missing = await fetch(`${hub.url}/acme/tiny/resolve/main/nope.txt`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-error-code")).toBe("EntryNotFound");
  });

  it("generates a 256 MiB file to disk and streams it without holding it in memory", async () => {
    const size = 256 * 1024 * 1024;
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const big = await startHubServer({ models: [{ id: "acme/big", files: [{ path: "model.safetensors", size }] }] });
    try {
      const res = await fetch(`${big.url}/acme/big/resolve/main/model.safetensors`);
      const hash = createHash("sha256");
      let received = 0;
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        received += chunk.length;
      }
      expect(received).toBe(size);
      expect(hash.digest("hex")).toBe(big.files("acme/big")[0]?.sha256);
      expect(big.bytesServed.get("acme/big/model.safetensors")).toBe(size);
      // Generous bound: a quarter of the file; holding it would take all of it.
      expect(peak - rssBefore).toBeLessThan(size / 4);
    } finally {
      clearInterval(sample);
      await big.stop();
    }
  });

  it("serves the same generated bytes for the same spec (deterministic)", async () => {
    const again = await startHubServer({
      models: [{ id: tiny.id, files: tiny.files.filter((f) => f.path === "model.safetensors") }],
    });
    try {
      expect(again.files("acme/tiny")[0]?.sha256).toBe(
        hub.files("acme/tiny").find((f) => f.path === "model.safetensors")?.sha256,
      );
    } finally {
      await again.stop();
    }
  });

  it("gates file bytes: 401 without a token, 403 with a token lacking access, bytes with a granted one", async () => {
    const noToken = await fileDownloadInfo({ hubUrl: hub.url, repo: "acme/locked", path: "model.gguf" }).catch(
      (e) => e,
    );
    expect(noToken).toBeInstanceOf(HubApiError);
    expect(noToken.statusCode).toBe(401);
    const denied = await fileDownloadInfo({
      hubUrl: hub.url,
      repo: "acme/locked",
      path: "model.gguf",
      accessToken: otherToken,
    }).catch((e) => e);
    expect(denied.statusCode).toBe(403);
    expect(denied.message).toContain("restricted");
    const granted = await fileDownloadInfo({
      hubUrl: hub.url,
      repo: "acme/locked",
      path: "model.gguf",
      accessToken: token,
    });
    expect(granted?.size).toBe(2048);
  });

  it("corrupts one byte and drops a connection once when switched", async () => {
    const file = hub.files("acme/tiny").find((f) => f.path === "original/consolidated.pth");
    const get = async () => {
      const res = await fetch(`${hub.url}/acme/tiny/resolve/main/original/consolidated.pth`);
      return Buffer.from(await res.arrayBuffer());
    };
    hub.setFault({ kind: "corrupt", file: "acme/tiny/original/consolidated.pth", offset: 7 });
    const bad = await get();
    expect(createHash("sha256").update(bad).digest("hex")).not.toBe(file?.sha256);
    hub.setFault({ kind: "drop", file: "acme/tiny/original/consolidated.pth", afterBytes: 1000 });
    await expect(get()).rejects.toThrow();
    const good = await get();
    expect(createHash("sha256").update(good).digest("hex")).toBe(file?.sha256);
    hub.setFault(null);
  });

  it("answers 429 with Retry-After and fails with 5xx when switched", async () => {
    hub.setFault({ kind: "rate-limit", retryAfterSeconds: 42, match: "/api/models" });
    const limited = await fetch(`${hub.url}/api/models`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("42");
    hub.setFault({ kind: "fail", status: 502 });
    expect((await fetch(`${hub.url}/api/models/acme/tiny`)).status).toBe(502);
    hub.setFault(null);
    expect((await fetch(`${hub.url}/api/models/acme/tiny`)).status).toBe(200);
  });
});
