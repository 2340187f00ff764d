import { Readable } from "node:stream";
import { mediaTypes } from "@model-publisher/contract";
import type { BlobLocations } from "./blob-mount.js";
import type { UploadOptions } from "./blob-upload.js";
import { canceledError, RegistryError } from "./errcode.js";
import type { BlobProgressEvent, Descriptor } from "./layout-pusher.js";
import { parseManifestJson } from "./manifest-report.js";
import { placeOrUpload } from "./place-or-upload.js";
import type { Repository } from "./repository.js";

export interface CopyArtifactOptions {
  /** Where the artifact is. */
  from: Repository;
  /** The manifest's digest in `from`. */
  digest: string;
  /** Where it goes. */
  to: Repository;
  /** The tag the manifest goes under in `to`. */
  tag: string;
  /** What the job history knows was pushed where: blobs are mounted from there, each one copied is recorded. */
  locations?: BlobLocations;
  onProgress?: (event: BlobProgressEvent) => void;
  signal?: AbortSignal;
  upload?: Pick<UploadOptions, "monolithicMaxBytes" | "chunkBytes">;
}

export interface CopyArtifactResult {
  digest: string;
  mediaType: string;
  /** Blob bytes sent to `to` (retries included); 0 when every blob was there or mounted. */
  bytesUploaded: number;
  blobsSkipped: number;
  blobsMounted: number;
  blobsUploaded: number;
}

function blobName(descriptor: Descriptor): string {
  const a = descriptor.annotations ?? {};
  return a["org.cncf.model.filepath"] ?? a["org.opencontainers.image.title"] ?? descriptor.digest;
}

/** A blob of `from` as a stream from byte `start` (bytes before it skipped when the registry ignores Range). */
function blobStream(from: Repository, digest: string, start: number, signal?: AbortSignal): Readable {
  async function* bytes(): AsyncGenerator<Buffer> {
    const blob = await from.fetchBlob(digest, signal, start);
    let skip = start - blob.start;
    for await (const raw of blob.body as unknown as AsyncIterable<Uint8Array>) {
      let chunk = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
        if (chunk.length === 0) continue;
      }
      yield chunk;
    }
  }
  return Readable.from(bytes(), { objectMode: false, highWaterMark: 1024 * 1024 });
}

/**
 * Copies an artifact from one repository to another, registry to registry: each blob `to` lacks is mounted when both
 * are on one registry (or the job history knows another repository there that holds it), else streamed from `from`
 * into `to`; the manifest goes last, its bytes as they are, so the digest is the same and the tag never points at a
 * partial artifact.
 */
export async function copyArtifact(options: CopyArtifactOptions): Promise<CopyArtifactResult> {
  const { from, to, signal } = options;
  const fetched = await from.getManifest(options.digest, signal);
  const manifest = parseManifestJson(fetched.bytes) as {
    config?: Descriptor;
    layers?: Descriptor[];
    manifests?: unknown;
  };
  if (fetched.mediaType === mediaTypes.ociIndex || manifest.manifests) {
    throw new RegistryError("registry_error", "The artifact is an index; only a single artifact manifest is copied.");
  }
  const blobs = [...(manifest.config ? [manifest.config] : []), ...(manifest.layers ?? [])];
  // The source holds every blob its manifest names (the registry checked them when the manifest went in).
  options.locations?.record(
    from.host,
    from.name,
    blobs.map((blob) => blob.digest),
  );
  const result: CopyArtifactResult = {
    digest: fetched.digest,
    mediaType: fetched.mediaType,
    bytesUploaded: 0,
    blobsSkipped: 0,
    blobsMounted: 0,
    blobsUploaded: 0,
  };
  const done = new Set<string>();
  for (const blob of blobs) {
    if (signal?.aborted) throw canceledError();
    if (done.has(blob.digest)) continue;
    done.add(blob.digest);
    await copyBlob(options, blob, result);
  }
  if (signal?.aborted) throw canceledError();
  await to.putManifest(options.tag, fetched.bytes, fetched.mediaType, signal);
  return result;
}

async function copyBlob(options: CopyArtifactOptions, blob: Descriptor, result: CopyArtifactResult): Promise<void> {
  const { from, to, signal } = options;
  await placeOrUpload({
    repository: to,
    source: { digest: blob.digest, size: blob.size, open: (start) => blobStream(from, blob.digest, start, signal) },
    name: blobName(blob),
    ...(from.host === to.host ? { sources: [from.name] } : {}),
    ...(options.locations ? { locations: options.locations } : {}),
    // One GET and one PATCH per blob unless told otherwise: the source stream is read once.
    upload: { chunkBytes: Math.max(1, blob.size), ...options.upload },
    ...(signal ? { signal } : {}),
    emit: options.onProgress ?? (() => undefined),
    tally: result,
  });
}
