// Issue 12 acceptance, backend half: one GGUF variant published end to end from the GGUF repo on the Hub test server
// into the real registry, in native and export modes (export through the docker stand-in, which applies AIKit's
// exclude the way AIKit and huggingface_hub do), read back with skopeo; bad input refused before any job; the CLI.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope, JobEventsResponse, JobResult, ManifestReport, type Job } from "@model-publisher/contract";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import type { HubServer } from "../fixtures/hub-server.js";
import { tinyModel } from "../fixtures/tiny-model.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startPublishStack, type PublishBackend, type PublishStack } from "../harness/publish-backend.js";
import type { RunningRegistry } from "../harness/registry.js";
import { runCli, type CliRun } from "../harness/cli-run.js";
import { validateConfig } from "../../backend/src/modelpack/testdata/validate-config.js";

let hub: HubServer;
let registry: RunningRegistry;
let backend: PublishBackend;
let stack: PublishStack | undefined;
const work = mkdtempSync(join(tmpdir(), "mp-gguf-"));

beforeAll(async () => {
  requireSkopeo();
  stack = await startPublishStack([ggufModel, tinyModel()]);
  ({ hub, registry, backend } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(work, { recursive: true, force: true });
});

const source = `huggingface://${ggufModelId}`;
const nonGguf = ["LICENSE", "README.md", "config.json"];
/** What publishing one variant holds: its files, the projector, README, LICENSE and config.json. */
const expectedPaths = (variant: string) => [...nonGguf, ggufProjector, ...(ggufModelVariants[variant] ?? [])].sort();

interface ReadBack {
  /** The layers by `org.cncf.model.filepath`, each with the sha256 of the bytes skopeo copied out. */
  files: Map<string, string>;
  manifest: { artifactType?: string; layers: Array<{ digest: string; annotations: Record<string, string> }> };
  config: unknown;
}

/** `skopeo copy docker://… dir:…`: the manifest, the config and every layer's bytes, as a client gets them. */
function readBack(reference: string): ReadBack {
  const dir = mkdtempSync(join(work, "copy-"));
  const copy = spawnSync("skopeo", ["copy", "--src-tls-verify=false", `docker://${reference}`, `dir:${dir}`], {
    encoding: "utf8",
  });
  expect(copy.status, copy.stderr).toBe(0);
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as ReadBack["manifest"] & {
    config: { digest: string };
  };
  const blob = (digest: string) => readFileSync(join(dir, digest.replace(/^sha256:/, "")));
  const files = new Map<string, string>();
  for (const layer of manifest.layers) {
    const bytes = blob(layer.digest);
    files.set(layer.annotations["org.cncf.model.filepath"] ?? "", createHash("sha256").update(bytes).digest("hex"));
  }
  expect(readdirSync(dir).length).toBeGreaterThan(manifest.layers.length);
  return { files, manifest, config: JSON.parse(blob(manifest.config.digest).toString("utf8")) as unknown };
}

/** The layers read back are exactly the variant's files, byte for byte the Hub's. */
function expectVariantFiles(read: ReadBack, variant: string): void {
  expect([...read.files.keys()].sort()).toEqual(expectedPaths(variant));
  const stored = hub.files(ggufModelId);
  for (const [path, sha256] of read.files) expect(sha256, path).toBe(stored.find((f) => f.path === path)?.sha256);
}

function expectSucceeded(job: Job): JobResult {
  expect(job.error).toBeUndefined();
  expect(job.state).toBe("succeeded");
  return job.result as JobResult;
}

describe("publishing one GGUF variant", () => {
  it("native: Q4_K_M, its file with the projector and the non-GGUF files; the config says what it is", async () => {
    const reference = `${registry.host}/acme/gemma-tiny:q4_k_m`;
    const job = await backend.publish({ source, reference, mode: "native", quantization: "Q4_K_M" });
    const result = expectSucceeded(job);
    expect(job.request.quantization).toBe("Q4_K_M");
    const read = readBack(reference);
    expectVariantFiles(read, "Q4_K_M");
    expect(read.manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    expect(validateConfig(read.config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect((read.config as { config: unknown }).config).toEqual({
      architecture: "gemma3",
      format: "gguf",
      paramSize: "3.9b",
      quantization: "Q4_K_M",
    });
    expect(result.manifest?.pullCommands.dockerModel).toBe(`docker model pull ${reference}`);
    const report = ManifestReport.parse(
      (await backend.call("GET", `/manifest?reference=${encodeURIComponent(reference)}`)).body,
    );
    expect(report.pullCommands.dockerModel).toBe(`docker model pull ${reference}`);
  }, 60_000);

  it("export: Q4_K_M through AIKit's exclude; the builder fetched only the variant's files", async () => {
    const reference = `${registry.host}/acme/gemma-tiny:q4_k_m-export`;
    const before = hub.countHits(/\/resolve\/.*\.gguf$/);
    const job = await backend.publish({ source, reference, mode: "export", quantization: "Q4_K_M" });
    const result = expectSucceeded(job);
    expect(job.request.quantization).toBe("Q4_K_M");
    const exclude = result.command?.find((arg) => arg.startsWith("exclude="));
    expect(exclude).toBe(
      "exclude='BF16/*' 'gemma-tiny-it-Q2_K.gguf' 'gemma-tiny-it-Q8_0.gguf' 'gemma-tiny-it-UD-Q4_K_XL.gguf'",
    );
    const read = readBack(reference);
    expectVariantFiles(read, "Q4_K_M");
    // The other variants never came down: AIKit's download left them out, not a later filter.
    expect(hub.countHits(/\/resolve\/.*\.gguf$/) - before).toBe(2);
    expect(result.manifest?.pullCommands.dockerModel).toBe(`docker model pull ${reference}`);
    // AIKit writes `{}`; the backend wrote the config native mode writes, with the layers' diffIds in their order.
    expect(validateConfig(read.config), JSON.stringify(validateConfig.errors)).toBe(true);
    const native = readBack(`${registry.host}/acme/gemma-tiny:q4_k_m`).config as Record<string, unknown>;
    const config = read.config as { modelfs: { diffIds: string[] } } & Record<string, unknown>;
    expect(config.config).toEqual(native.config);
    expect(config.descriptor).toEqual(native.descriptor);
    expect(config.modelfs.diffIds).toEqual(read.manifest.layers.map((layer) => layer.digest));
    // With the config the backend writes, an export is the very artifact native mode publishes: AIKit's layers and
    // annotations are native's, so the manifests (and digests) are the same.
    expect(read.manifest).toEqual(readBack(`${registry.host}/acme/gemma-tiny:q4_k_m`).manifest);
    const { events } = JobEventsResponse.parse((await backend.call("GET", `/jobs/${job.id}/events?limit=1000`)).body);
    const lines = events.flatMap((event) => (event.type === "log" ? [event.line] : []));
    expect(
      lines.some((line) =>
        /ModelPack config lacks the spec's descriptor, config and modelfs; the backend wrote one/.test(line),
      ),
      lines.join("\n"),
    ).toBe(true);
  }, 60_000);

  it("direct: Q4_K_M through AIKit's exclude; the passthrough builder pushes only the variant's files", async () => {
    const reference = `${registry.host}/acme/gemma-tiny:q4_k_m-direct`;
    const job = await backend.publish({
      source,
      reference,
      mode: "direct",
      builder: "default",
      quantization: "Q4_K_M",
    });
    const result = expectSucceeded(job);
    expect(result.command?.find((arg) => arg.startsWith("exclude="))).toMatch(/'gemma-tiny-it-Q8_0.gguf'/);
    expectVariantFiles(readBack(reference), "Q4_K_M");
    expect(result.manifest?.pullCommands.dockerModel).toBe(`docker model pull ${reference}`);
  }, 60_000);

  it.each(["native", "export"])(
    "%s: the sharded BF16, both shards and nothing else GGUF but the projector",
    async (mode) => {
      const reference = `${registry.host}/acme/gemma-tiny:bf16-${mode}`;
      const job = await backend.publish({ source, reference, mode, quantization: "BF16" });
      expectSucceeded(job);
      const read = readBack(reference);
      expectVariantFiles(read, "BF16");
      expect([...read.files.keys()].filter((path) => path.endsWith(".gguf")).sort()).toEqual(
        [...(ggufModelVariants.BF16 ?? []), ggufProjector].sort(),
      );
      expect(validateConfig(read.config), JSON.stringify(validateConfig.errors)).toBe(true);
      expect(read.config).toMatchObject({ config: { quantization: "BF16", format: "gguf", architecture: "gemma3" } });
    },
    60_000,
  );
});

describe("export with AIKit's tar layers", () => {
  it("tar+gzip: a tar per weight, one per other class; the config's diffIds are the uncompressed tars", async () => {
    const reference = `${registry.host}/acme/gemma-tiny:q4_k_m-tgz`;
    const job = await backend.publish({
      source,
      reference,
      mode: "export",
      quantization: "Q4_K_M",
      layerPackaging: "tar+gzip",
    });
    expectSucceeded(job);
    const dir = mkdtempSync(join(work, "tgz-"));
    const copy = spawnSync("skopeo", ["copy", "--src-tls-verify=false", `docker://${reference}`, `dir:${dir}`], {
      encoding: "utf8",
    });
    expect(copy.status, copy.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
      config: { digest: string };
      layers: Array<{ mediaType: string; digest: string; annotations: Record<string, string> }>;
    };
    const blob = (digest: string) => readFileSync(join(dir, digest.replace(/^sha256:/, "")));
    expect(manifest.layers.map((layer) => [layer.mediaType, layer.annotations["org.cncf.model.filepath"]])).toEqual([
      ...[...(ggufModelVariants.Q4_K_M ?? []), ggufProjector]
        .sort()
        .map((path) => ["application/vnd.cncf.model.weight.v1.tar+gzip", path]),
      ["application/vnd.cncf.model.weight.config.v1.tar+gzip", "config"],
      ["application/vnd.cncf.model.doc.v1.tar+gzip", "docs"],
    ]);
    // Each weight's tar holds that file under its base name, byte for byte the Hub's.
    const weight = manifest.layers[0] as (typeof manifest.layers)[number];
    const path = weight.annotations["org.cncf.model.filepath"] as string;
    const unpacked = mkdtempSync(join(work, "untar-"));
    const tar = spawnSync("tar", ["-xzf", join(dir, weight.digest.replace(/^sha256:/, "")), "-C", unpacked]);
    expect(tar.status).toBe(0);
    const base = path.split("/").pop() as string;
    expect(
      createHash("sha256")
        .update(readFileSync(join(unpacked, base)))
        .digest("hex"),
    ).toBe(hub.files(ggufModelId).find((file) => file.path === path)?.sha256);
    const config = JSON.parse(blob(manifest.config.digest).toString("utf8")) as {
      config: Record<string, unknown>;
      modelfs: { diffIds: string[] };
    };
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config.config).toMatchObject({ format: "gguf", quantization: "Q4_K_M" });
    expect(config.modelfs.diffIds).toEqual(
      manifest.layers.map(
        (layer) =>
          `sha256:${createHash("sha256")
            .update(gunzipSync(blob(layer.digest)))
            .digest("hex")}`,
      ),
    );
  }, 60_000);
});

describe("a quantization the backend cannot publish is refused before any job exists", () => {
  const refused = async (body: Record<string, unknown>) => {
    const before = (await backend.jobs()).map((job) => job.id);
    const answer = await backend.call("POST", "/publish", body);
    expect(answer.status, answer.text).toBe(400);
    const { error } = ErrorEnvelope.parse(answer.body);
    expect(error.code).toBe("invalid_request");
    expect((await backend.jobs()).map((job) => job.id)).toEqual(before);
    return error;
  };
  const reference = () => `${registry.host}/acme/refused:1`;

  it.each(["native", "export"])("an unknown variant, in %s mode, with the variants there are named", async (mode) => {
    const error = await refused({ source, reference: reference(), mode, quantization: "Q5_K_M" });
    expect(error.message).toBe(
      `${ggufModelId} has no GGUF variant Q5_K_M; its variants are Q2_K, Q4_K_M, UD-Q4_K_XL, Q8_0, BF16.`,
    );
  });

  it("a variant of a repo without GGUF files", async () => {
    const error = await refused({ source: "huggingface://acme/tiny", reference: reference(), quantization: "Q4_K_M" });
    expect(error.message).toMatch(/acme\/tiny has no GGUF variants/);
  });

  it.each([
    ["a single file of the repo", `${source}/gemma-tiny-it-Q4_K_M.gguf`],
    ["an https:// source", "https://example.com/gemma-tiny-it-Q4_K_M.gguf"],
  ])("a quantization with %s", async (_name, single) => {
    const error = await refused({ source: single, reference: reference(), quantization: "Q4_K_M" });
    expect(error.details?.issues).toBeDefined();
    expect(error.message).toMatch(/quantization/);
  });
});

describe("the CLI", () => {
  function cli(args: string[]): Promise<CliRun> {
    return runCli(args, { hubUrl: hub.url, stateDir: mkdtempSync(join(work, "cli-")) });
  }

  it("--quant publishes that variant, and an unknown one is refused naming the variants", async () => {
    const reference = `${registry.host}/acme/gemma-tiny:cli-q8_0`;
    const published = await cli(["publish", source, reference, "--quant", "Q8_0", "--json"]);
    expect(published.code, published.stderr).toBe(0);
    expect(JSON.parse(published.stdout)).toMatchObject({ state: "succeeded", mode: "native" });
    expectVariantFiles(readBack(reference), "Q8_0");

    const unknown = await cli(["publish", source, `${reference}-x`, "--quant", "Q5_K_M"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("has no GGUF variant Q5_K_M; its variants are Q2_K, Q4_K_M");
    const single = await cli(["publish", `${source}/gemma-tiny-it-Q8_0.gguf`, reference, "--quant", "Q8_0"]);
    expect(single.code).toBe(2);
    expect(single.stderr).toContain("invalid --quant: quantization chooses among a whole Hugging Face repository");
  }, 60_000);
});
