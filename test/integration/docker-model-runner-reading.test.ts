/**
 * Reads what we publish the way Docker Model Runner (`docker model pull` / `run`) reads a registry artifact.
 *
 * The rules, written down from docker/model-runner at commit 642c72117b2431a6b871796883af1aaf013fc3cf
 * (`git describe`: v1.2.6-18-g642c7211, 2026-07-22; it builds on github.com/modelpack/model-spec v0.0.7), in our words:
 *
 * 1. Pull (`pkg/distribution/distribution/client.go`, `checkCompat`): the manifest's config media type must be
 *    `application/vnd.cncf.model.config.v1+json` (or Docker's own `application/vnd.docker.ai.model.config.v0.1+json`
 *    / `v0.2+json`); any other is refused as unsupported. An empty config format is only logged as a warning.
 * 2. Unpack (`pkg/distribution/internal/bundle/unpack.go`, `isCNCFModel`): a manifest whose `artifactType` is
 *    `application/vnd.cncf.model.manifest.v1+json` is unpacked one layer per file (`UnpackFromLayers`).
 * 3. The config (`pkg/distribution/modelpack/types.go`, `IsModelPackConfig`): read as a ModelPack config when it has
 *    `config.paramSize`, `descriptor.createdAt` or `modelfs`, else as Docker's config format. The model's format is
 *    `config.format` lower-cased (`gguf`, `safetensors`, `dduf`); when that is empty, the weight extension of the first
 *    `org.cncf.model.filepath` among layers whose media type starts `application/vnd.cncf.model.weight.` (a prefix
 *    `weight.config.v1.raw` shares; layers whose path names no weight format are passed over).
 * 4. Every layer is placed at its `org.cncf.model.filepath` under the model folder; a layer without that annotation
 *    (or with it empty) is skipped, so its file is missing; two different annotations that land on one path are an
 *    error; a path climbing out of the folder loses its leading `..` segments or is an error.
 * 5. Layer media types (`unpack.go` `updateBundleFieldsFromLayer`, `modelpack/types.go`): the model-spec raw weight
 *    type `application/vnd.cncf.model.weight.v1.raw` is a weight whose format comes from rule 3 (the only generic one);
 *    DMR's older `…weight.v1.gguf` / `…weight.v1.safetensors` carry their format. `…weight.config.v1.raw` and
 *    `…doc.v1.raw` files are placed, never taken as weights. A layer's blob is linked to its path as it is, never
 *    extracted, so a tar-packaged weight (`…weight.v1.tar`, `+gzip`, `+zstd`) is never the model's weight file.
 * 6. One GGUF weight set: among the weight layers, a path whose base name contains `mmproj` (any case) is the
 *    multimodal projector (the first one counts); the first other weight layer, in manifest order, is the GGUF file
 *    handed to llama.cpp, and a split model is named `-00001-of-0000N` … with its shards beside it (its own legacy
 *    unpack names shards `model-%05d-of-%05d.gguf`; its packager completes a split from the first shard's name). When
 *    an unpacked model is read again (`bundle/parse.go`), the weight is the first non-mmproj `*.gguf` at the folder's
 *    top level, else the first one found in its subfolders, and more than one mmproj `*.gguf` at the top is an error.
 *    So the GGUF files other than projectors must be one file or every shard of one split, the first shard first.
 *    Safetensors: the first safetensors weight layer is recorded, the others are placed beside it.
 *
 * The test applies these rules to what we publish (native and export modes) from the GGUF repo fixture (one variant,
 * single-file and sharded) and from the safetensors tiny model, reading manifest and config back from the real
 * registry; a whole GGUF repo published without a variant is the case the rules must catch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import { tinyModel } from "../fixtures/tiny-model.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startPublishStack, type PublishBackend, type PublishStack } from "../harness/publish-backend.js";
import type { RunningRegistry } from "../harness/registry.js";

const modelManifest = "application/vnd.cncf.model.manifest.v1+json";
const acceptedConfigTypes = [
  "application/vnd.cncf.model.config.v1+json",
  "application/vnd.docker.ai.model.config.v0.1+json",
  "application/vnd.docker.ai.model.config.v0.2+json",
];
const weightPrefix = "application/vnd.cncf.model.weight.";
const rawWeight = "application/vnd.cncf.model.weight.v1.raw";
const typedWeights: Record<string, string> = {
  "application/vnd.cncf.model.weight.v1.gguf": "gguf",
  "application/vnd.cncf.model.weight.v1.safetensors": "safetensors",
};
const filepathKey = "org.cncf.model.filepath";
/** Archived weights: a `weight.` type, yet neither the generic raw one nor a typed one. */
const tarWeight = /^application\/vnd\.cncf\.model\.weight\.v1\.tar/;

interface Manifest {
  artifactType?: string;
  config: { mediaType: string; digest: string };
  layers: Array<{ mediaType: string; digest: string; annotations?: Record<string, string> }>;
}

/** What Docker Model Runner makes of an artifact: the problems that stop it, and the files it would load. */
interface Reading {
  problems: string[];
  format: string;
  /** The GGUF file llama.cpp gets, and every non-projector GGUF file beside it. */
  gguf?: string;
  ggufFiles: string[];
  mmproj?: string;
  safetensors?: string;
  /** Every file placed, by its filepath. */
  placed: string[];
}

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const extensionFormat = (path: string) => /\.(gguf|safetensors|dduf)$/i.exec(path)?.[1]?.toLowerCase() ?? "";
const shard = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

/** Rule 3: the format from the config, else from the first `weight.` layer whose filepath names a weight format. */
function formatOf(manifest: Manifest, config: unknown): string {
  const fields = (config ?? {}) as { config?: { format?: unknown } };
  const stated = typeof fields.config?.format === "string" ? fields.config.format.toLowerCase() : "";
  if (stated) return stated;
  const formats = manifest.layers
    .filter((layer) => layer.mediaType.startsWith(weightPrefix))
    .map((layer) => extensionFormat(layer.annotations?.[filepathKey] ?? ""));
  return formats.find(Boolean) ?? "";
}

/** Rule 6: the non-projector GGUF files are one file, or every shard of one split with the first shard first. */
function ggufSetProblem(files: string[]): string | undefined {
  if (files.length <= 1) return files.length === 0 ? "no GGUF weight file" : undefined;
  const parts = files.map((path) => shard.exec(path));
  const first = parts[0];
  const oneSplit =
    first && parts.every((p, i) => p && p[1] === first[1] && Number(p[2]) === i + 1 && Number(p[3]) === files.length);
  return oneSplit ? undefined : `${files.length} GGUF files that are not one split model: ${files.join(", ")}`;
}

function readAsDockerModelRunner(manifest: Manifest, config: unknown): Reading {
  const problems: string[] = [];
  if (!acceptedConfigTypes.includes(manifest.config.mediaType)) {
    problems.push(`config type ${manifest.config.mediaType} is not supported`);
  }
  if (manifest.artifactType !== modelManifest) problems.push(`artifactType ${manifest.artifactType} is not ModelPack`);
  const format = formatOf(manifest, config);
  const placed: string[] = [];
  const weights: string[] = [];
  let safetensors: string | undefined;
  for (const layer of manifest.layers) {
    const path = layer.annotations?.[filepathKey];
    if (!path) {
      problems.push(`layer ${layer.digest} has no ${filepathKey}: skipped`);
      continue;
    }
    if (placed.includes(path)) problems.push(`two layers at ${path}`);
    placed.push(path);
    const layerFormat = layer.mediaType === rawWeight ? format : typedWeights[layer.mediaType];
    if (tarWeight.test(layer.mediaType)) {
      problems.push(`${path} is a ${layer.mediaType} layer, linked unextracted: never the weight file`);
    }
    if (layerFormat === "gguf") weights.push(path);
    if (layerFormat === "safetensors") safetensors ??= path;
  }
  const projectors = weights.filter((path) => /mmproj/i.test(baseName(path)));
  const ggufFiles = weights.filter((path) => !projectors.includes(path));
  if (format === "gguf") {
    const problem = ggufSetProblem(ggufFiles);
    if (problem) problems.push(problem);
    if (projectors.length > 1) problems.push(`${projectors.length} projectors: ${projectors.join(", ")}`);
  } else if (format === "safetensors" && !safetensors) {
    problems.push("no safetensors weight file");
  } else if (format !== "safetensors") {
    problems.push(`no format DMR runs (${format || "none"})`);
  }
  return {
    problems,
    format,
    ...(ggufFiles[0] ? { gguf: ggufFiles[0] } : {}),
    ggufFiles,
    ...(projectors[0] ? { mmproj: projectors[0] } : {}),
    ...(safetensors ? { safetensors } : {}),
    placed,
  };
}

let registry: RunningRegistry;
let backend: PublishBackend;
let stack: PublishStack | undefined;

beforeAll(async () => {
  requireSkopeo();
  stack = await startPublishStack([ggufModel, tinyModel({ original: 4096 })]);
  ({ registry, backend } = stack);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** The manifest and config as a registry client reads them: the distribution API, no cache in between. */
async function fromRegistry(repository: string, tag: string): Promise<{ manifest: Manifest; config: unknown }> {
  const base = `${registry.url}/v2/${repository}`;
  const res = await fetch(`${base}/manifests/${tag}`, {
    headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  expect(res.status).toBe(200);
  const manifest = (await res.json()) as Manifest;
  const config = (await (await fetch(`${base}/blobs/${manifest.config.digest}`)).json()) as unknown;
  return { manifest, config };
}

async function publishAndRead(body: Record<string, unknown>, repository: string, tag: string): Promise<Reading> {
  const job = await backend.publish({ ...body, reference: `${registry.host}/${repository}:${tag}` });
  expect(job.error).toBeUndefined();
  expect(job.state).toBe("succeeded");
  const { manifest, config } = await fromRegistry(repository, tag);
  return readAsDockerModelRunner(manifest, config);
}

describe("what we publish, read as Docker Model Runner reads it", () => {
  it.each(["native", "export"])(
    "%s: one GGUF variant is one weight set with its projector",
    async (mode) => {
      const body = { source: `huggingface://${ggufModelId}`, mode, quantization: "Q4_K_M" };
      const reading = await publishAndRead(body, "dmr/gemma", `q4_k_m-${mode}`);
      expect(reading.problems).toEqual([]);
      expect(reading).toMatchObject({ format: "gguf", gguf: ggufModelVariants.Q4_K_M?.[0], mmproj: ggufProjector });
      expect(reading.ggufFiles).toEqual(ggufModelVariants.Q4_K_M);
      expect(reading.placed.sort()).toEqual(
        ["LICENSE", "README.md", "config.json", ggufProjector, ...(ggufModelVariants.Q4_K_M ?? [])].sort(),
      );
    },
    60_000,
  );

  it.each(["native", "export"])(
    "%s: the sharded variant loads from its first shard",
    async (mode) => {
      const body = { source: `huggingface://${ggufModelId}`, mode, quantization: "BF16" };
      const reading = await publishAndRead(body, "dmr/gemma", `bf16-${mode}`);
      expect(reading.problems).toEqual([]);
      expect(reading.ggufFiles).toEqual(ggufModelVariants.BF16);
      expect(reading.gguf).toBe(ggufModelVariants.BF16?.[0]);
    },
    60_000,
  );

  it.each(["native", "export"])(
    "%s: a safetensors model is read as safetensors",
    async (mode) => {
      const body = { source: "huggingface://acme/tiny", mode, exclude: ["original/*"] };
      const reading = await publishAndRead(body, "dmr/tiny", mode);
      expect(reading.problems).toEqual([]);
      expect(reading).toMatchObject({ format: "safetensors", safetensors: "model.safetensors", ggufFiles: [] });
      expect(reading.placed.sort()).toEqual(["README.md", "config.json", "model.safetensors"]);
    },
    60_000,
  );

  it("a whole GGUF repo, published without a variant, is what the rules catch: several weight sets", async () => {
    const reading = await publishAndRead(
      { source: `huggingface://${ggufModelId}`, mode: "native" },
      "dmr/gemma",
      "all",
    );
    expect(reading.format).toBe("gguf");
    expect(reading.problems).toEqual([
      `6 GGUF files that are not one split model: ${[
        ...(ggufModelVariants.BF16 ?? []),
        "gemma-tiny-it-Q2_K.gguf",
        "gemma-tiny-it-Q4_K_M.gguf",
        "gemma-tiny-it-Q8_0.gguf",
        "gemma-tiny-it-UD-Q4_K_XL.gguf",
      ].join(", ")}`,
    ]);
  }, 60_000);

  it("the reading refuses what DMR cannot use: no filepath, a tar weight, another config type, no artifactType", () => {
    const manifest: Manifest = {
      config: { mediaType: "application/vnd.oci.empty.v1+json", digest: "sha256:c" },
      layers: [
        { mediaType: rawWeight, digest: "sha256:a", annotations: { [filepathKey]: "m-Q4_K_M.gguf" } },
        {
          mediaType: "application/vnd.cncf.model.weight.v1.tar",
          digest: "sha256:b",
          annotations: { [filepathKey]: "x" },
        },
        { mediaType: rawWeight, digest: "sha256:d" },
      ],
    };
    expect(readAsDockerModelRunner(manifest, {}).problems).toEqual([
      "config type application/vnd.oci.empty.v1+json is not supported",
      "artifactType undefined is not ModelPack",
      "x is a application/vnd.cncf.model.weight.v1.tar layer, linked unextracted: never the weight file",
      "layer sha256:d has no org.cncf.model.filepath: skipped",
    ]);
  });
});
