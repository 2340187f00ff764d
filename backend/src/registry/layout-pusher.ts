import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { mediaTypes, type NewJobEvent } from "@model-publisher/contract";
import type { BlobLocations } from "./blob-mount.js";
import type { UploadOptions } from "./blob-upload.js";
import { canceledError, RegistryError } from "./errcode.js";
import { placeOrUpload } from "./place-or-upload.js";
import { sha256Digest, type Repository } from "./repository.js";

/** A descriptor as it appears in index.json and manifests. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The `bytes` job event the pusher emits per blob. */
export type BlobProgressEvent = Extract<NewJobEvent, { type: "bytes" }>;

export interface PushLayoutOptions {
  /** The OCI image layout directory (`index.json`, `blobs/sha256/…`). */
  dir: string;
  /** Where the manifest goes. */
  repository: Repository;
  /** Tag to put the manifest under; the digest when absent. */
  tag?: string;
  onProgress?: (event: BlobProgressEvent) => void;
  signal?: AbortSignal;
  /** Another repository of the same registry that may hold the blobs (cross-repo mount). */
  mountFrom?: string;
  /** What the job history knows was pushed where: blobs are mounted from there, and each one pushed is recorded. */
  locations?: BlobLocations;
  upload?: Pick<UploadOptions, "monolithicMaxBytes" | "chunkBytes">;
}

export interface PushLayoutResult {
  digest: string;
  mediaType: string;
  artifactType?: string;
  /** Manifest size in bytes. */
  size: number;
  /** Sum of the layer and config sizes. */
  totalSize: number;
  /** Blob bytes sent over the wire (retries included); 0 when the registry had every blob. */
  bytesUploaded: number;
  blobsSkipped: number;
  /** Blobs linked from another repository of the registry (cross-repo mount): nothing moved. */
  blobsMounted: number;
  blobsUploaded: number;
  /** Chunks resumed from the registry's offset, and upload sessions started over. */
  resumes: number;
  restarts: number;
}

const digestRe = /^sha256:[0-9a-f]{64}$/;

function blobPath(dir: string, digest: string): string {
  if (!digestRe.test(digest))
    throw new RegistryError("integrity_error", `Unsupported or malformed digest "${digest}".`);
  return join(dir, "blobs", "sha256", digest.slice("sha256:".length));
}

async function readJson(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch {
    throw new RegistryError("integrity_error", `The OCI layout has no ${what} (${path}).`);
  }
}

/** The manifest index.json points at (the first one, as AIKit writes one), with its bytes checked. */
export async function readLayoutManifest(dir: string): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
  const indexBytes = await readJson(join(dir, "index.json"), "index.json");
  let index: { manifests?: Descriptor[] };
  try {
    index = JSON.parse(indexBytes.toString("utf8")) as { manifests?: Descriptor[] };
  } catch {
    throw new RegistryError("integrity_error", "The OCI layout's index.json is not valid JSON.");
  }
  const descriptor = index.manifests?.[0];
  if (!descriptor || typeof descriptor.digest !== "string") {
    throw new RegistryError("integrity_error", "The OCI layout's index.json lists no manifest.");
  }
  const bytes = await readJson(blobPath(dir, descriptor.digest), `manifest blob ${descriptor.digest}`);
  if (sha256Digest(bytes) !== descriptor.digest || bytes.length !== descriptor.size) {
    throw new RegistryError("integrity_error", `The layout's manifest blob does not match ${descriptor.digest}.`);
  }
  return { descriptor, bytes };
}

function blobName(descriptor: Descriptor, isConfig: boolean): string {
  const a = descriptor.annotations ?? {};
  return (
    a["org.cncf.model.filepath"] ?? a["org.opencontainers.image.title"] ?? (isConfig ? "config" : descriptor.digest)
  );
}

/**
 * Pushes an OCI image layout to a repository byte for byte: blobs the registry has are skipped, the rest are
 * streamed from disk with their sha256 checked while reading, and the manifest goes last, unchanged, so the
 * tag never points at a partial artifact and the registry's digest equals index.json's.
 */
export async function pushLayout(options: PushLayoutOptions): Promise<PushLayoutResult> {
  const { dir, repository: repo, signal } = options;
  const { descriptor, bytes } = await readLayoutManifest(dir);
  const manifest = JSON.parse(bytes.toString("utf8")) as {
    mediaType?: string;
    artifactType?: string;
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: Descriptor[];
  };
  const mediaType = manifest.mediaType ?? descriptor.mediaType;
  if (mediaType === mediaTypes.ociIndex || manifest.manifests) {
    throw new RegistryError(
      "integrity_error",
      "The layout points at an index; only a single artifact manifest is pushed.",
    );
  }
  const blobs: Array<{ descriptor: Descriptor; isConfig: boolean }> = [
    ...(manifest.config ? [{ descriptor: manifest.config, isConfig: true }] : []),
    ...(manifest.layers ?? []).map((layer) => ({ descriptor: layer, isConfig: false })),
  ];
  const result: PushLayoutResult = {
    digest: descriptor.digest,
    mediaType,
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    size: bytes.length,
    totalSize: 0,
    bytesUploaded: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    blobsUploaded: 0,
    resumes: 0,
    restarts: 0,
  };
  const done = new Set<string>();
  for (const { descriptor: blob, isConfig } of blobs) {
    if (signal?.aborted) throw canceledError();
    result.totalSize += blob.size;
    if (done.has(blob.digest)) continue;
    done.add(blob.digest);
    await pushLayoutBlob(options, blob, blobName(blob, isConfig), result);
  }
  if (signal?.aborted) throw canceledError();
  const pushed = await repo.putManifest(options.tag ?? descriptor.digest, bytes, mediaType, signal);
  if (pushed !== descriptor.digest) {
    throw new RegistryError(
      "integrity_error",
      `The registry digest ${pushed} differs from the layout's ${descriptor.digest}.`,
    );
  }
  return result;
}

/** One blob of a layout into the repository: there already, mounted from another repository, or uploaded. */
async function pushLayoutBlob(
  options: PushLayoutOptions,
  blob: Descriptor,
  name: string,
  result: PushLayoutResult,
): Promise<void> {
  const { dir, repository: repo, signal } = options;
  const path = blobPath(dir, blob.digest);
  const onDisk = await stat(path).catch(() => undefined);
  if (!onDisk || onDisk.size !== blob.size) {
    throw new RegistryError(
      "integrity_error",
      `The layout's blob ${blob.digest} (${name}) is missing or has the wrong size.`,
    );
  }
  const uploaded = await placeOrUpload({
    repository: repo,
    source: {
      digest: blob.digest,
      size: blob.size,
      open: (start) => createReadStream(path, { start, highWaterMark: 1024 * 1024 }),
    },
    name,
    ...(options.mountFrom ? { sources: [options.mountFrom] } : {}),
    ...(options.locations ? { locations: options.locations } : {}),
    ...(options.upload ? { upload: options.upload } : {}),
    ...(signal ? { signal } : {}),
    emit: options.onProgress ?? (() => undefined),
    tally: result,
  });
  result.resumes += uploaded?.resumes ?? 0;
  result.restarts += uploaded?.restarts ?? 0;
}
