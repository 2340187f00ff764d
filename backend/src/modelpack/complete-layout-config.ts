import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { annotationKeys, mediaTypes, modelLayerKind } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { ResolvedModel } from "../hub/resolve-model.js";
import { readLayoutManifest, type Descriptor } from "../registry/layout-pusher.js";
import { sha256Digest } from "../registry/repository.js";
import { buildModelConfig, weightFormat, type ModelpackConfig } from "./model-config.js";

/** What the backend knows of the model a build packaged, beyond the layout itself. */
export interface LayoutModelFacts {
  /** The artifact's name (the request's `name`, else the repo's). */
  name: string;
  /** The Hub model the build fetched, pinned to a commit; absent for a plain URL source. */
  model?: ResolvedModel;
  /** The one GGUF variant the build kept. */
  quantization?: string;
  hfEndpoint?: string;
}

/** Why a layout's config was left as the builder wrote it. */
export type KeptReason = "not-modelpack" | "complete" | "zstd-layers" | "no-layers";

export type CompletedConfig =
  | { written: true; digest: string; previousDigest: string; config: ModelpackConfig }
  | { written: false; digest: string; reason: KeptReason };

interface LayoutManifest {
  config?: Descriptor;
  layers?: Descriptor[];
  [key: string]: unknown;
}

/** True when a config blob has the three members the ModelPack schema requires (AIKit writes `{}`). */
function hasRequiredMembers(bytes: Buffer): boolean {
  try {
    const parsed: unknown = JSON.parse(bytes.toString("utf8"));
    if (!parsed || typeof parsed !== "object") return false;
    const { descriptor, config, modelfs } = parsed as Record<string, unknown>;
    const isObject = (value: unknown) => !!value && typeof value === "object" && !Array.isArray(value);
    return isObject(descriptor) && isObject(config) && isObject(modelfs);
  } catch {
    return false;
  }
}

/** A layout blob the build should have written cannot be read: the build's output is broken, not the user's input. */
function unreadable(what: string, err: unknown): ContractError {
  const why = err instanceof Error ? err.message : String(err);
  return new ContractError("integrity_error", `The build's OCI layout is broken: ${what} cannot be read (${why}).`);
}

/**
 * A layer's diffId: the digest of its uncompressed content. Raw and plain tar layers are their own; a gzip layer is
 * read through gunzip (a cancel stops it between chunks). Undefined for zstd, which Node cannot decode.
 */
async function diffId(dir: string, layer: Descriptor, signal?: AbortSignal): Promise<string | undefined> {
  if (!layer.mediaType.endsWith("+gzip") && !layer.mediaType.endsWith("+zstd")) return layer.digest;
  if (layer.mediaType.endsWith("+zstd")) return undefined;
  const hash = createHash("sha256");
  // pipeline() destroys the gunzip stream with a read error, so the loop below throws it rather than waiting on.
  const gunzip = pipeline(createReadStream(blobFile(dir, layer.digest)), createGunzip(), () => undefined);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      signal?.throwIfAborted();
      hash.update(chunk);
    }
  } catch (err) {
    if (signal?.aborted) throw err;
    throw unreadable(`the gzip layer ${layer.digest}`, err);
  }
  return `sha256:${hash.digest("hex")}`;
}

function blobFile(dir: string, digest: string): string {
  return join(dir, "blobs", "sha256", digest.slice("sha256:".length));
}

async function writeBlob(dir: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
  const digest = sha256Digest(bytes);
  await writeFile(blobFile(dir, digest), bytes);
  return { digest, size: bytes.length };
}

/** The weight files a ModelPack layout holds, by the paths its weight layers carry (raw layers name one file each). */
function weightPaths(layers: Descriptor[]): Array<{ path: string }> {
  return layers
    .filter((layer) => modelLayerKind(layer.mediaType) === "weight")
    .map((layer) => ({
      path: layer.annotations?.[annotationKeys.filepath] ?? layer.annotations?.[annotationKeys.title] ?? "",
    }))
    .filter((file) => file.path !== "");
}

/** The config the backend writes for a layout: the Hub's facts when the build fetched a Hub model, else the layout's. */
function configFor(facts: LayoutModelFacts, layers: Descriptor[], diffIds: string[]): ModelpackConfig {
  const weightFiles = weightPaths(layers);
  if (facts.model) {
    return buildModelConfig({
      repo: facts.model.repo,
      commit: facts.model.commit,
      layerDigests: diffIds,
      weightFiles,
      ...(facts.model.license ? { license: facts.model.license } : {}),
      ...(facts.model.parameters !== undefined ? { parameters: facts.model.parameters } : {}),
      ...(facts.model.architecture ? { architecture: facts.model.architecture } : {}),
      ...(facts.quantization ? { quantization: facts.quantization } : {}),
      createdAt: facts.model.createdAt,
      ...(facts.hfEndpoint ? { hfEndpoint: facts.hfEndpoint } : {}),
    });
  }
  const format = weightFormat(weightFiles);
  return {
    // A fixed time, as AIKit stamps its files: the same files give the same config, and so the same digest.
    descriptor: { name: facts.name, createdAt: "1970-01-01T00:00:00Z" },
    config: { ...(format ? { format } : {}), ...(facts.quantization ? { quantization: facts.quantization } : {}) },
    modelfs: { type: "layers", diffIds },
  };
}

/**
 * Export mode, before the push: when the layout is a ModelPack artifact whose config lacks the spec's required
 * members (AIKit writes `{}`), writes the config native mode would (format, quantization, architecture, paramSize,
 * the Hub's descriptor, the layers' diffIds), points the manifest at it and index.json at the new manifest. Layers are
 * untouched. A config that already has the members stays byte for byte, as does a generic artifact. `facts` is asked
 * for only when a config is written. Answers the manifest digest the push will give.
 */
export async function completeLayoutConfig(
  dir: string,
  facts: () => Promise<LayoutModelFacts>,
  signal?: AbortSignal,
): Promise<CompletedConfig> {
  const { descriptor, bytes } = await readLayoutManifest(dir);
  const manifest = JSON.parse(bytes.toString("utf8")) as LayoutManifest;
  const kept = (reason: KeptReason): CompletedConfig => ({ written: false, digest: descriptor.digest, reason });
  if (manifest.config?.mediaType !== mediaTypes.modelConfig) return kept("not-modelpack");
  const configDigest = manifest.config.digest;
  const current = await readFile(blobFile(dir, configDigest)).catch((err: unknown) => {
    throw unreadable(`the config blob ${configDigest}`, err);
  });
  if (hasRequiredMembers(current)) return kept("complete");
  const layers = manifest.layers ?? [];
  if (layers.length === 0) return kept("no-layers");
  const diffIds: string[] = [];
  for (const layer of layers) {
    signal?.throwIfAborted();
    const id = await diffId(dir, layer, signal);
    if (!id) return kept("zstd-layers");
    diffIds.push(id);
  }
  const config = configFor(await facts(), layers, diffIds);
  signal?.throwIfAborted();
  const configBlob = await writeBlob(dir, Buffer.from(JSON.stringify(config)));
  const newManifest = { ...manifest, config: { ...manifest.config, ...configBlob } };
  const manifestBlob = await writeBlob(dir, Buffer.from(JSON.stringify(newManifest)));
  const indexPath = join(dir, "index.json");
  const index = JSON.parse(await readFile(indexPath, "utf8")) as { manifests: Descriptor[]; [key: string]: unknown };
  index.manifests = index.manifests.map((entry, at) => (at === 0 ? { ...entry, ...manifestBlob } : entry));
  await writeFile(`${indexPath}.new`, JSON.stringify(index));
  await rename(`${indexPath}.new`, indexPath);
  return { written: true, digest: manifestBlob.digest, previousDigest: descriptor.digest, config };
}
