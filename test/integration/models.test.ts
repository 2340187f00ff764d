import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope, ModelDetails, ModelList } from "@model-publisher/contract";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import { startHubServer, type HubModelSpec, type HubServer } from "../fixtures/hub-server.js";
import { startHubBackend, type HubBackend } from "../harness/hub-backend.js";

const granted = "hf_grantedTokenForTests0001";
const notGranted = "hf_otherTokenWithoutAccess02";
const MiB = 1024 * 1024;

const bulk: HubModelSpec[] = Array.from({ length: 25 }, (_, i) => ({
  id: `bulk/model-${String(i).padStart(2, "0")}`,
  downloads: 1000 + i * 7,
  likes: 100 - i,
  files: [{ path: "config.json", content: `{"i":${i}}` }],
}));

const manyFiles = Array.from({ length: 130 }, (_, i) => ({
  path: `shards/part-${String(i).padStart(3, "0")}.bin`,
  size: 64 + i,
}));

let hub: HubServer;
let backend: HubBackend;

async function get(path: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`${backend.url}${path}`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, text };
}

async function errorOf(path: string): Promise<{ status: number; code: string; message: string; details?: unknown }> {
  const { status, body } = await get(path);
  const { error } = ErrorEnvelope.parse(body);
  return { status, ...error };
}

/** Sends the path byte for byte (fetch would normalise `..`). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(backend.url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function putToken(token: string | undefined): Promise<void> {
  const res = token
    ? await fetch(`${backend.url}/settings/hf-token`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      })
    : await fetch(`${backend.url}/settings/hf-token`, { method: "DELETE" });
  expect(res.status).toBe(204);
}

beforeAll(async () => {
  hub = await startHubServer({
    tokens: [notGranted],
    treePageSize: 50,
    models: [
      {
        id: "acme/llama-tiny",
        downloads: 900,
        likes: 10,
        pipelineTag: "text-generation",
        libraryName: "transformers",
        tags: ["safetensors", "license:mit"],
        cardData: { license: "llama3.1" },
        safetensors: { parameters: { BF16: 1_234_567 }, total: 1_234_567 },
        files: [
          { path: "config.json", content: '{"model_type":"llama"}' },
          { path: "generation_config.json", content: "{}" },
          { path: "README.md", content: "# tiny" },
          { path: "LICENSE", content: "license text" },
          { path: "model-00001-of-00002.safetensors", size: 3 * MiB },
          { path: "model-00002-of-00002.safetensors", size: 2 * MiB },
          { path: "original/consolidated.00.pth", size: MiB },
          { path: "tokenizer.model", size: 4096, lfs: true },
        ],
        revisions: [
          {
            name: "v1.0",
            type: "tag",
            files: [
              { path: "config.json", content: '{"model_type":"llama","v":1}' },
              { path: "model.safetensors", size: MiB },
            ],
          },
          { name: "dev", type: "branch" },
        ],
      },
      {
        id: "acme/qwen-gguf",
        downloads: 800,
        likes: 50,
        tags: ["gguf", "license:apache-2.0"],
        gguf: { total: 494_032_768, architecture: "qwen2", context_length: 32768 },
        files: [
          { path: "qwen-q4_k_m.gguf", size: 3000 },
          { path: "qwen-q8_0.gguf", size: 5000 },
        ],
      },
      ggufModel,
      { id: "acme/many-files", downloads: 5, files: manyFiles },
      {
        id: "acme/gated",
        gated: "manual",
        downloads: 700,
        grantedTokens: [granted],
        files: [
          { path: "config.json", content: "{}" },
          { path: "model.safetensors", size: 2048 },
        ],
      },
      {
        // An empty file is the smallest, and the smallest with bytes has a `#` in its name.
        id: "acme/gated-odd",
        gated: "auto",
        grantedTokens: [granted],
        files: [
          { path: ".gitkeep", content: "" },
          { path: "notes #1.md", content: "n" },
          { path: "model.safetensors", size: 4096 },
        ],
      },
      {
        id: "acme/secret",
        private: true,
        grantedTokens: [granted],
        files: [{ path: "model.safetensors", size: 1024 }],
      },
      { id: "acme/limited", rateLimited: { retryAfterSeconds: 17 }, files: [] },
      { id: "acme/limited-ietf", rateLimited: { retryAfterSeconds: 23, header: "ratelimit" }, files: [] },
      ...bulk,
    ],
  });
  backend = await startHubBackend({ hubUrl: hub.url, timeoutMs: 1_000 });
});

afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
});

describe("GET /models", () => {
  it("pages beyond one page with an opaque cursor, in the Hub's order", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await get(`/models?search=bulk&limit=10${cursor ? `&cursor=${cursor}` : ""}`);
      expect(status).toBe(200);
      const page = ModelList.parse(body);
      seen.push(...page.models.map((m) => m.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    const expected = [...bulk].sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0)).map((m) => m.id);
    expect(seen).toEqual(expected);
  });

  it("sorts by likes and carries the summary fields", async () => {
    const { body } = await get("/models?search=acme&sort=likes&limit=5");
    const list = ModelList.parse(body);
    expect(list.models[0]?.id).toBe("acme/qwen-gguf");
    const tiny = list.models.find((m) => m.id === "acme/llama-tiny");
    expect(tiny).toMatchObject({
      author: "acme",
      downloads: 900,
      likes: 10,
      pipelineTag: "text-generation",
      libraryName: "transformers",
      license: "mit",
      gated: false,
      private: false,
    });
    expect(Date.parse(tiny?.lastModified ?? "")).not.toBeNaN();
    expect(list.models.find((m) => m.id === "acme/gated")?.gated).toBe("manual");
    expect(list.models.some((m) => m.id === "acme/secret")).toBe(false);
    // The contract's URL template with the rest left empty: the defaults (limit 20, sort by downloads) apply.
    const templated = await get("/models?search=acme&limit=&sort=&cursor=");
    expect(templated.status).toBe(200);
    expect(ModelList.parse(templated.body).models.length).toBeGreaterThan(0);
  });

  it("answers the same query within 30 s from the cache, and asks the Hub again after", async () => {
    const path = "/models?search=model-1&limit=3&sort=likes";
    const before = hub.countHits("/api/models");
    const first = await get(path);
    const second = await get(path);
    expect(second.body).toEqual(first.body);
    expect(hub.countHits("/api/models") - before).toBe(1);
    await get("/models?search=model-1&limit=4&sort=likes");
    expect(hub.countHits("/api/models") - before).toBe(2);
    backend.advanceClock(31_000);
    await get(path);
    expect(hub.countHits("/api/models") - before).toBe(3);
  });

  it("asks the Hub once for the same query sent twice at the same moment", async () => {
    const before = hub.countHits("/api/models");
    const [a, b] = await Promise.all([get("/models?search=model-2&limit=2"), get("/models?search=model-2&limit=2")]);
    expect(a.body).toEqual(b.body);
    expect(hub.countHits("/api/models") - before).toBe(1);
  });

  it.each([
    ["/models?limit=0"],
    ["/models?limit=101"],
    ["/models?sort=trending"],
    ["/models?cursor=%25%25%25"],
    [`/models?cursor=${Buffer.from("no equals").toString("base64url")}`],
    ["/models?search=a&search=b"],
    ["/models?surprise=1"],
  ])("%s is a 400 before any Hub call", async (path) => {
    const before = hub.countHits("/");
    const error = await errorOf(path);
    expect(error.status).toBe(400);
    expect(error.code).toBe("invalid_request");
    expect(hub.countHits("/")).toBe(before);
  });

  it("maps a Hub rate limit to 429 hub_rate_limited with retryAfterSeconds", async () => {
    hub.setFault({ kind: "rate-limit", retryAfterSeconds: 31, match: "/api/models" });
    try {
      const error = await errorOf("/models?search=rate-limited-search");
      expect(error).toMatchObject({ status: 429, code: "hub_rate_limited", details: { retryAfterSeconds: 31 } });
      // HTTP's own header says the same, for clients that read only that.
      const res = await fetch(`${backend.url}/models?search=rate-limited-search-2`);
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("31");
      await res.body?.cancel();
    } finally {
      hub.setFault(null);
    }
    // A failed answer is not cached.
    expect((await get("/models?search=rate-limited-search")).status).toBe(200);
  });
});

describe("GET /models/{namespace}/{name}", () => {
  it("describes a model at main: resolved sha, kinds, LFS sha256, sizes, license, parameters", async () => {
    const { status, body } = await get("/models/acme/llama-tiny");
    expect(status).toBe(200);
    const details = ModelDetails.parse(body);
    const stored = hub.files("acme/llama-tiny");
    expect(details).toMatchObject({
      id: "acme/llama-tiny",
      revision: "main",
      sha: hub.commit("acme/llama-tiny"),
      gated: false,
      private: false,
      license: "llama3.1",
      pipelineTag: "text-generation",
      libraryName: "transformers",
      parameters: 1_234_567,
    });
    expect(details.totalSize).toBe(stored.reduce((sum, f) => sum + f.size, 0));
    expect(details.files.map((f) => f.path)).toEqual(stored.map((f) => f.path).sort());
    const byPath = new Map(details.files.map((f) => [f.path, f]));
    for (const file of stored) {
      expect(byPath.get(file.path)?.size).toBe(file.size);
      expect(byPath.get(file.path)?.sha256).toBe(file.lfs ? file.sha256 : undefined);
    }
    expect(Object.fromEntries(details.files.map((f) => [f.path, f.kind]))).toEqual({
      "config.json": "weight.config",
      "generation_config.json": "weight.config",
      LICENSE: "doc",
      "README.md": "doc",
      "model-00001-of-00002.safetensors": "weight",
      "model-00002-of-00002.safetensors": "weight",
      "original/consolidated.00.pth": "weight.config",
      "tokenizer.model": "weight.config",
    });
  });

  it("takes a tag, a branch and a full commit sha as the revision", async () => {
    const tagSha = hub.commit("acme/llama-tiny", "v1.0");
    const byTag = ModelDetails.parse((await get("/models/acme/llama-tiny?revision=v1.0")).body);
    expect(byTag).toMatchObject({ revision: "v1.0", sha: tagSha });
    expect(byTag.files.map((f) => f.path)).toEqual(["config.json", "model.safetensors"]);

    const bySha = ModelDetails.parse((await get(`/models/acme/llama-tiny?revision=${tagSha}`)).body);
    expect(bySha).toMatchObject({ revision: tagSha, sha: tagSha });
    expect(bySha.files).toEqual(byTag.files);

    const byBranch = ModelDetails.parse((await get("/models/acme/llama-tiny?revision=dev")).body);
    expect(byBranch.sha).toBe(hub.commit("acme/llama-tiny", "dev"));
    expect(byBranch.sha).not.toBe(hub.commit("acme/llama-tiny"));
  });

  it("answers 404 model_not_found for an unknown revision", async () => {
    const error = await errorOf("/models/acme/llama-tiny?revision=no-such-branch");
    expect(error).toMatchObject({ status: 404, code: "model_not_found" });
    expect(error.message).toContain("no-such-branch");
  });

  it("reads parameters from gguf metadata", async () => {
    const details = ModelDetails.parse((await get("/models/acme/qwen-gguf")).body);
    expect(details.parameters).toBe(494_032_768);
    expect(details.license).toBe("apache-2.0");
    expect(details.files.every((f) => f.kind === "weight")).toBe(true);
  });

  it("answers a GGUF repo's quantizations: shards as one variant, sizes summed, smallest first, no projector", async () => {
    const details = ModelDetails.parse((await get(`/models/${ggufModelId}`)).body);
    const sizeOf = new Map(hub.files(ggufModelId).map((f) => [f.path, f.size]));
    const expected = Object.entries(ggufModelVariants)
      .map(([name, files]) => ({ name, files, size: files.reduce((sum, path) => sum + (sizeOf.get(path) ?? NaN), 0) }))
      .sort((a, b) => a.size - b.size);
    expect(details.quantizations).toEqual(expected);
    expect(details.quantizations.map((q) => q.name)).toEqual(["Q2_K", "Q4_K_M", "UD-Q4_K_XL", "Q8_0", "BF16"]);
    expect(details.quantizations.flatMap((q) => q.files)).not.toContain(ggufProjector);
    // The projector and the docs stay in the file list, for the tree and for publishing.
    expect(details.files.map((f) => f.path)).toEqual(expect.arrayContaining([ggufProjector, "README.md", "LICENSE"]));
    expect(details.parameters).toBe(ggufModel.gguf?.total);
    expect(details.license).toBe("gemma");
  });

  it("answers quantizations [] for a repo without GGUF files", async () => {
    const details = ModelDetails.parse((await get("/models/acme/llama-tiny")).body);
    expect(details.quantizations).toEqual([]);
  });

  it("lists a tree that spans several Hub pages", async () => {
    const before = hub.countHits("/api/models/acme/many-files/tree/");
    const details = ModelDetails.parse((await get("/models/acme/many-files")).body);
    expect(details.files).toHaveLength(130);
    expect(details.totalSize).toBe(manyFiles.reduce((sum, f) => sum + f.size, 0));
    // 130 files + 1 directory at 50 per page.
    expect(hub.countHits("/api/models/acme/many-files/tree/") - before).toBe(3);
  });

  it("answers 404 model_not_found for an unknown model, with and without a token", async () => {
    const anonymous = await errorOf("/models/acme/does-not-exist");
    expect(anonymous).toMatchObject({ status: 404, code: "model_not_found" });
    expect(anonymous.message).toContain("token");
    await putToken(notGranted);
    try {
      expect(await errorOf("/models/acme/does-not-exist")).toMatchObject({ status: 404, code: "model_not_found" });
    } finally {
      await putToken(undefined);
    }
  });

  it("answers 403 gated_model for a gated repo without access, and details once a granted token is stored", async () => {
    const anonymous = await errorOf("/models/acme/gated");
    expect(anonymous).toMatchObject({ status: 403, code: "gated_model" });
    expect(anonymous.message).toMatch(/add a Hugging Face token/);
    expect(anonymous.message).toMatch(/Settings/);

    await putToken(notGranted);
    const denied = await errorOf("/models/acme/gated");
    expect(denied).toMatchObject({ status: 403, code: "gated_model" });
    expect(denied.message).toMatch(/token/);

    await putToken(granted);
    try {
      const details = ModelDetails.parse((await get("/models/acme/gated")).body);
      expect(details.gated).toBe("manual");
      expect(details.files.map((f) => f.path)).toEqual(["config.json", "model.safetensors"]);
    } finally {
      await putToken(undefined);
    }
  });

  it("checks access on a gated repo with the first byte of a real file, encoded, not an empty one", async () => {
    expect(await errorOf("/models/acme/gated-odd")).toMatchObject({ status: 403, code: "gated_model" });
    await putToken(notGranted);
    expect(await errorOf("/models/acme/gated-odd")).toMatchObject({ status: 403, code: "gated_model" });
    await putToken(granted);
    try {
      const details = ModelDetails.parse((await get("/models/acme/gated-odd")).body);
      expect(details.files.map((f) => f.path).sort()).toEqual([".gitkeep", "model.safetensors", "notes #1.md"]);
    } finally {
      await putToken(undefined);
    }
  });

  it("hides a private repo without access and shows it with a granted token", async () => {
    const anonymous = await errorOf("/models/acme/secret");
    expect(anonymous).toMatchObject({ status: 404, code: "model_not_found" });
    expect(anonymous.message).toMatch(/private/);
    await putToken(granted);
    try {
      expect(ModelDetails.parse((await get("/models/acme/secret")).body).private).toBe(true);
    } finally {
      await putToken(undefined);
    }
  });

  it("answers 403 gated_model when the Hub refuses the stored token itself", async () => {
    await putToken("hf_unknownToTheHub00000000");
    try {
      const error = await errorOf("/models/acme/llama-tiny");
      expect(error).toMatchObject({ status: 403, code: "gated_model" });
      expect(error.message).toMatch(/refused the token/);
    } finally {
      await putToken(undefined);
    }
  });

  it.each([
    ["/models/acme/limited", 17],
    ["/models/acme/limited-ietf", 23],
  ])("%s → 429 hub_rate_limited with retryAfterSeconds %d", async (path, seconds) => {
    expect(await errorOf(path)).toMatchObject({
      status: 429,
      code: "hub_rate_limited",
      details: { retryAfterSeconds: seconds },
    });
  });

  it("answers 502 hub_unreachable when the Hub fails", async () => {
    hub.setFault({ kind: "fail", status: 503 });
    try {
      expect(await errorOf("/models/acme/llama-tiny")).toMatchObject({ status: 502, code: "hub_unreachable" });
      expect(await errorOf("/models?search=fail-now")).toMatchObject({ status: 502, code: "hub_unreachable" });
    } finally {
      hub.setFault(null);
    }
  });

  it("answers 502 hub_unreachable within the bounded timeout when the Hub stalls", async () => {
    hub.setFault({ kind: "stall", match: "/api/models/acme/llama-tiny" });
    try {
      const started = Date.now();
      const error = await errorOf("/models/acme/llama-tiny");
      expect(error).toMatchObject({ status: 502, code: "hub_unreachable", details: { reason: "timeout" } });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      hub.setFault(null);
    }
  });

  it("answers 502 hub_unreachable when nothing listens at HF_ENDPOINT", async () => {
    const gone = await startHubServer({ models: [] });
    const goneUrl = gone.url;
    await gone.stop();
    const other = await startHubBackend({ hubUrl: goneUrl, timeoutMs: 1_000 });
    try {
      const res = await fetch(`${other.url}/models/acme/llama-tiny`);
      expect(res.status).toBe(502);
      expect(ErrorEnvelope.parse(await res.json()).error.code).toBe("hub_unreachable");
    } finally {
      await other.stop();
    }
  });

  it.each([
    ["/models/../x"],
    ["/models/..%2Fx"],
    ["/models/acme/..%2F..%2Fetc"],
    ["/models/a%20b/c"],
    ["/models/acme/llama%20tiny"],
    ["/models/a/b/c"],
    ["/models/acme%2Fllama-tiny"],
    ["/models/only-one"],
    ["/models/.hidden/x"],
    ["/models/acme/.x"],
    ["/models/acme/llama-tiny?revision=..%2F..%2Fx"],
    ["/models/acme/llama-tiny?revision=a%20b"],
    ["/models/acme/llama-tiny?revision=main&extra=1"],
  ])("%s is a 400 before any Hub call", async (path) => {
    const before = hub.countHits("/");
    const res = await rawGet(path);
    expect(res.status).toBe(400);
    expect(ErrorEnvelope.parse(JSON.parse(res.body)).error.code).toBe("invalid_request");
    expect(hub.countHits("/")).toBe(before);
  });
});
