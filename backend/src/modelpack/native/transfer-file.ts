import { Readable } from "node:stream";
import type { NewJobEvent } from "@model-publisher/contract";
import { ContractError } from "../../errors.js";
import { uploadBlob } from "../../registry/blob-upload.js";
import { RegistryError } from "../../registry/errcode.js";
import type { Repository } from "../../registry/repository.js";
import { hubFileStream, type HubDownloadOptions, type HubFile } from "./hub-download.js";

type BytesEvent = Extract<NewJobEvent, { type: "bytes" }>;

export interface TransferOptions {
  repository: Repository;
  file: HubFile;
  /** Hex sha256 the bytes must hash to. */
  sha256: string;
  /** The file's bytes when they were already fetched (small git files); streamed from the Hub otherwise. */
  bytes?: Buffer;
  /**
   * The first pass's bytes: a branch of a download shared by several targets, and that download's end (a failure of
   * it stops this transfer at once). A resume or restart after the first pass downloads on its own.
   */
  shared?: { branch: Readable; done: Promise<unknown> };
  /** The target its events name, in a several-target publish. */
  target?: string;
  download: Omit<HubDownloadOptions, "signal">;
  signal: AbortSignal;
  emit: (event: BytesEvent) => void;
  /** Least time between two progress events of the file. */
  progressIntervalMs?: number;
  now?: () => number;
}

export interface TransferResult {
  /** Blob bytes sent to the registry, retries included. */
  bytesSent: number;
  restarts: number;
  resumes: number;
}

/**
 * Streams one file from the Hub into a registry blob in one pass: the download is piped into the upload (one PATCH
 * for the whole file, so nothing is fetched that is not sent), the sha256 and size are checked as bytes pass, and a
 * mismatch abandons the upload session before it is committed. A dropped registry upload resumes from the offset
 * the registry reports, or restarts this file alone; a dropped download resumes itself with `Range`.
 */
export async function transferFile(options: TransferOptions): Promise<TransferResult> {
  const { file, sha256, emit } = options;
  const digest = `sha256:${sha256}`;
  const now = options.now ?? Date.now;
  const interval = options.progressIntervalMs ?? 250;
  // A download that fails for good stops the upload at once instead of letting it retry the registry.
  const stop = new AbortController();
  const signal = AbortSignal.any([options.signal, stop.signal]);
  let hubFailure: unknown;
  const fromHub = async function* (start: number): AsyncGenerator<Buffer> {
    try {
      yield* hubFileStream(file, start, { ...options.download, signal }) as AsyncIterable<Buffer>;
    } catch (err) {
      if (!options.signal.aborted && !stop.signal.aborted) {
        hubFailure = err;
        stop.abort(err);
      }
      throw err;
    }
  };
  const bytes = options.bytes;
  let first = options.shared?.branch;
  // Whether the upload still reads the shared download: once it goes on with a download of its own (a resume or a
  // restart), the shared one failing is no longer this transfer's failure.
  let onShared = first !== undefined;
  options.shared?.done.catch((err: unknown) => {
    if (!onShared || options.signal.aborted || stop.signal.aborted) return;
    hubFailure = err;
    stop.abort(err);
  });
  const open = (start: number): Readable => {
    if (first && start === 0) {
      const stream = first;
      first = undefined;
      return stream;
    }
    onShared = false;
    return bytes
      ? Readable.from([bytes.subarray(start)], { objectMode: false })
      : Readable.from(fromHub(start), { objectMode: false, highWaterMark: 1024 * 1024 });
  };

  let last = 0;
  const base = {
    type: "bytes" as const,
    id: digest,
    name: file.path,
    total: file.size,
    ...(options.target !== undefined ? { target: options.target } : {}),
  };
  // A target's own events count its upload; the shared download reports itself.
  emit({ ...base, done: 0, status: bytes || options.target !== undefined ? "uploading" : "downloading" });
  try {
    const result = await uploadBlob(
      options.repository,
      { digest, size: file.size, open },
      {
        // One PATCH per file: the Hub stream is read exactly once unless the registry loses the session.
        chunkBytes: Math.max(1, file.size),
        signal,
        onProgress: (done) => {
          const at = now();
          if (done < file.size && at - last >= interval) {
            last = at;
            emit({ ...base, done, status: "uploading" });
          }
        },
      },
    );
    emit({ ...base, done: file.size, status: "verified" });
    return result;
  } catch (err) {
    if (hubFailure !== undefined && !options.signal.aborted) throw hubFailure;
    if (err instanceof RegistryError && err.code === "integrity_error") {
      throw new ContractError(
        "integrity_error",
        `The bytes of ${file.path} from the Hub do not match its sha256 ${sha256} and size ${file.size}; the upload was abandoned and nothing was tagged.`,
      );
    }
    throw err;
  }
}
