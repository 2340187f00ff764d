import { placeBlob, type BlobLocations } from "./blob-mount.js";
import { uploadBlob, type BlobSource, type UploadOptions, type UploadResult } from "./blob-upload.js";
import type { BlobProgressEvent } from "./layout-pusher.js";
import type { Repository } from "./repository.js";

/** What a push counts of its blobs. */
export interface BlobTally {
  bytesUploaded: number;
  blobsSkipped: number;
  blobsMounted: number;
  blobsUploaded: number;
}

export interface PlaceOrUploadOptions {
  /** Where the blob goes. */
  repository: Repository;
  /** The blob and a way to read it from any offset. */
  source: BlobSource;
  /** Its name in progress events. */
  name: string;
  /** Repositories of the same registry to mount it from first, before what the job history knows. */
  sources?: readonly string[];
  locations?: BlobLocations;
  upload?: Omit<UploadOptions, "onProgress" | "signal">;
  signal?: AbortSignal;
  emit: (event: BlobProgressEvent) => void;
  tally: BlobTally;
}

/**
 * One blob into a repository: left alone when it is there, mounted from another repository of the registry when one
 * holds it, else uploaded; each outcome counted and told as a bytes event. Answers the upload's figures, if any.
 */
export async function placeOrUpload(options: PlaceOrUploadOptions): Promise<UploadResult | undefined> {
  const { repository: repo, source, name, signal, emit, tally } = options;
  const bytes = (done: number, status: string) =>
    emit({ type: "bytes", id: source.digest, name, done, total: source.size, status });
  const place = await placeBlob(repo, source.digest, {
    ...(options.locations ? { locations: options.locations } : {}),
    ...(options.sources ? { sources: options.sources } : {}),
    ...(signal ? { signal } : {}),
  });
  if (place.state !== "missing") {
    if (place.state === "mounted") tally.blobsMounted++;
    else tally.blobsSkipped++;
    bytes(source.size, place.state === "mounted" ? "mounted" : "skipped");
    return undefined;
  }
  bytes(0, "uploading");
  const uploaded = await uploadBlob(repo, source, {
    ...options.upload,
    ...(signal ? { signal } : {}),
    onProgress: (done) => {
      if (done < source.size) bytes(done, "uploading");
    },
  });
  options.locations?.record(repo.host, repo.name, [source.digest]);
  tally.bytesUploaded += uploaded.bytesSent;
  tally.blobsUploaded++;
  bytes(source.size, "verified");
  return uploaded;
}
