import { createHash, type Hash } from "node:crypto";
import type { Readable } from "node:stream";
import { canceledError, errorFromResponse, RegistryError } from "./errcode.js";
import type { Repository } from "./repository.js";
import { registryBackoff } from "./retry.js";
import { requestBody } from "./request-body.js";
import { uncut } from "./uncut.js";

/** A blob to upload, readable again from any offset (a file in a layout). */
export interface BlobSource {
  digest: string;
  size: number;
  /** A fresh stream of bytes `[start, size)`. */
  open(start: number): Readable;
}

export interface UploadOptions {
  /** Blobs up to this size go up in one PUT from memory. */
  monolithicMaxBytes?: number;
  /** Bytes per PATCH of a chunked upload. */
  chunkBytes?: number;
  /** Bytes the registry has confirmed plus those in flight. */
  onProgress?: (done: number) => void;
  signal?: AbortSignal;
}

export interface UploadResult {
  /** Request-body bytes sent, retries included. */
  bytesSent: number;
  /** Upload sessions started over because the registry could not resume one. */
  restarts: number;
  /** Chunks resumed from the offset the registry reported. */
  resumes: number;
}

export const defaultMonolithicMaxBytes = 8 * 1024 * 1024;
export const defaultChunkBytes = 32 * 1024 * 1024;

/** Digest check while reading: bytes are hashed once, in order, even when a chunk is sent twice. */
class RunningDigest {
  private readonly hash: Hash = createHash("sha256");
  hashed = 0;
  /** Feeds the part of a chunk at `position` that has not been hashed yet. */
  feed(chunk: Buffer, position: number): void {
    const end = position + chunk.length;
    if (end <= this.hashed) return;
    this.hash.update(position >= this.hashed ? chunk : chunk.subarray(this.hashed - position));
    this.hashed = end;
  }
  digest(): string {
    return `sha256:${this.hash.digest("hex")}`;
  }
}

function integrityError(source: BlobSource, got: string): RegistryError {
  return new RegistryError(
    "integrity_error",
    `The layout's blob ${source.digest} does not match its content (read ${got}); the layout is damaged.`,
  );
}

async function readAll(stream: Readable, signal?: AbortSignal): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) {
    if (signal?.aborted) {
      stream.destroy();
      throw canceledError();
    }
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts);
}

/** The registry no longer knows the upload session (it drops one whose request was cut). */
function lostSession(err: unknown): boolean {
  return (
    err instanceof RegistryError &&
    err.registryStatus === 404 &&
    err.registryCodes.some((code) => code === "BLOB_UPLOAD_UNKNOWN" || code === "BLOB_UPLOAD_INVALID")
  );
}

/** A `Location` header as a URL: resolved against the request it answered (RFC 3986), absolute or relative alike. */
export function resolveLocation(location: string, requestUrl: URL): URL {
  return new URL(location, requestUrl);
}

/** How long a failed or canceled upload waits for the registry to drop its session. */
const abandonTimeoutMs = 5_000;

/**
 * Ends an upload session that will not be committed (OCI distribution: DELETE on the upload URL), so a failed or
 * canceled publish leaves no half-written upload in the registry. Best effort: its own short deadline, not the
 * job's (already aborted) signal, and no error of its own. (A PATCH cut mid-body can leave distribution holding more
 * bytes than the session's `_state` says; it then refuses that state, and only its upload purging ends the session.)
 */
export async function abandonUpload(repo: Repository, location: URL): Promise<void> {
  try {
    const res = await repo.send("DELETE", location, { push: true, signal: AbortSignal.timeout(abandonTimeoutMs) });
    await res.body?.cancel();
  } catch {
    // The session expires on the registry's own schedule.
  }
}

/** The Range header of an upload (`0-1023`) as the next offset to send. */
export function nextOffset(range: string | null): number | undefined {
  const m = /^(?:bytes=)?(\d+)-(\d+)$/.exec(range?.trim() ?? "");
  if (!m) return undefined;
  const end = Number(m[2]);
  // distribution says `0-0` both for nothing and for one byte; nothing is the safe reading.
  return end === 0 ? 0 : end + 1;
}

/**
 * Uploads one blob: small ones with POST + PUT from memory; large ones streamed from disk in PATCH chunks.
 * A failed chunk resumes from the offset the registry reports (GET on the upload URL); a registry that lost the
 * session (distribution 2.x cancels it after a partial chunk) gets a fresh session from byte 0.
 */
export async function uploadBlob(
  repo: Repository,
  source: BlobSource,
  options: UploadOptions = {},
): Promise<UploadResult> {
  const upload = new BlobUpload(repo, source, options);
  if (source.size <= (options.monolithicMaxBytes ?? defaultMonolithicMaxBytes)) await upload.putWhole();
  else await upload.putInChunks();
  options.onProgress?.(source.size);
  return upload.result;
}

/** Where an upload session is now: the registry may move it with every answer. */
interface Session {
  location: URL;
}

/** One blob's way into the registry: open a session, send the bytes, commit them under the digest, or abandon it. */
class BlobUpload {
  readonly result: UploadResult = { bytesSent: 0, restarts: 0, resumes: 0 };
  private readonly what: string;
  private readonly signal: AbortSignal | undefined;

  constructor(
    private readonly repo: Repository,
    private readonly source: BlobSource,
    private readonly options: UploadOptions,
  ) {
    this.what = `blob upload ${source.digest}`;
    this.signal = options.signal;
  }

  /** A small blob: read and checked in memory, then sent with the commit. */
  async putWhole(): Promise<void> {
    const bytes = await readAll(this.source.open(0), this.signal);
    const got = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    if (got !== this.source.digest || bytes.length !== this.source.size) throw integrityError(this.source, got);
    // A PUT cut mid-body ends distribution's session: its retry meets 404 and a fresh session is started.
    for (let restart = 0; ; restart++) {
      const location = await this.open();
      this.result.bytesSent += bytes.length;
      try {
        await this.commit(location, bytes);
        return;
      } catch (err) {
        if (!lostSession(err) || restart + 1 >= this.repo.retry.attempts) {
          if (!lostSession(err)) await this.abandon(location);
          throw err;
        }
        this.result.restarts++;
      }
    }
  }

  /** A large blob: sent in chunks, then committed. */
  async putInChunks(): Promise<void> {
    const session: Session = { location: await this.open() };
    try {
      await this.send(session);
      await this.commit(session.location);
    } catch (err) {
      // Failed for good or canceled: the session the registry still holds is dropped, not left to expire.
      await this.abandon(session.location);
      throw err;
    }
  }

  /** Starts an upload session (POST); its URL. */
  private async open(): Promise<URL> {
    const url = this.repo.url("blobs/uploads/");
    return uncut(
      this.signal,
      async () => {
        const res = await this.repo.request("POST", url, this.what, { push: true, ok: [202] });
        await res.body?.cancel();
        const location = res.headers.get("location");
        if (!location) throw new RegistryError("registry_error", "The registry started an upload without a Location.");
        return resolveLocation(location, url);
      },
      (location) => abandonUpload(this.repo, location),
    );
  }

  /** PATCHes `[0, size)` in chunks, resuming or restarting the session after a failure, and checks the digest. */
  private async send(session: Session): Promise<void> {
    const digest = new RunningDigest();
    const backoff = registryBackoff(this.repo.retry, this.signal);
    let offset = 0;
    while (offset < this.source.size) {
      if (this.signal?.aborted) throw canceledError();
      try {
        offset = await this.sendChunkAt(session, offset, digest);
        backoff.reset();
      } catch (err) {
        if (this.signal?.aborted) throw canceledError();
        if (!(err instanceof RegistryError) || !err.retryable || !(await backoff.retry(err.retryAfterSeconds))) {
          throw err;
        }
        offset = await this.recover(session, digest);
      }
    }
    const got = digest.digest();
    if (got !== this.source.digest || digest.hashed !== this.source.size) throw integrityError(this.source, got);
  }

  /** Sends the chunk that starts at `offset`; the offset to go on from. */
  private async sendChunkAt(session: Session, offset: number, digest: RunningDigest): Promise<number> {
    const end = Math.min(this.source.size, offset + (this.options.chunkBytes ?? defaultChunkBytes));
    let inChunk = 0;
    const res = await sendChunk(this.repo, session.location, this.source, offset, end, digest, this.signal, (sent) => {
      this.result.bytesSent += sent;
      inChunk += sent;
      this.options.onProgress?.(offset + inChunk);
    });
    if (res.status !== 202) throw await errorFromResponse(res, this.what);
    await res.body?.cancel();
    const moved = res.headers.get("location");
    if (moved) session.location = resolveLocation(moved, session.location);
    return nextOffset(res.headers.get("range")) ?? end;
  }

  /** After a failed chunk: the offset to go on from, where the registry stands or 0 in a fresh session. */
  private async recover(session: Session, digest: RunningDigest): Promise<number> {
    const resumed = await uploadStatus(this.repo, session.location, this.signal);
    if (resumed !== undefined && resumed.offset <= digest.hashed) {
      // The status answer's Location is the one to use from now on (OCI distribution).
      session.location = resumed.location;
      this.result.resumes++;
      return resumed.offset;
    }
    // The old session, if the registry still holds it, is dropped on the side; this file starts over.
    void this.abandon(session.location);
    session.location = await this.open();
    this.result.restarts++;
    return 0;
  }

  /** Ends the session under the blob's digest (PUT), with the bytes not sent yet as its body. */
  private async commit(location: URL, body?: Buffer): Promise<void> {
    const url = new URL(location);
    url.searchParams.set("digest", this.source.digest);
    try {
      const res = await this.repo.request("PUT", url, this.what, {
        push: true,
        body: requestBody(body ?? new Uint8Array(0)),
        headers: { "content-type": "application/octet-stream" },
        ok: [201, 204],
        signal: this.signal,
      });
      await res.body?.cancel();
    } catch (err) {
      // The PUT may have landed before its answer was lost: the blob being there is success.
      if (
        err instanceof RegistryError &&
        err.code !== "canceled" &&
        (await this.repo.statBlob(this.source.digest, this.signal)).exists
      )
        return;
      throw err;
    }
  }

  private abandon(location: URL): Promise<void> {
    return abandonUpload(this.repo, location);
  }
}

/** Where the registry says an upload stands, and where to go on; undefined when it no longer knows the session. */
async function uploadStatus(
  repo: Repository,
  location: URL,
  signal?: AbortSignal,
): Promise<{ offset: number; location: URL } | undefined> {
  try {
    const res = await repo.send("GET", location, { push: true, signal });
    await res.body?.cancel();
    if (res.status !== 204 && res.status !== 202) return undefined;
    const offset = nextOffset(res.headers.get("range"));
    if (offset === undefined) return undefined;
    const moved = res.headers.get("location");
    return { offset, location: moved ? resolveLocation(moved, location) : location };
  } catch (err) {
    if (signal?.aborted) throw canceledError();
    if (err instanceof RegistryError && err.retryable) return undefined;
    throw err;
  }
}

/** One PATCH streaming `[start, end)` from disk, hashing bytes the first time they pass. */
async function sendChunk(
  repo: Repository,
  location: URL,
  source: BlobSource,
  start: number,
  end: number,
  digest: RunningDigest,
  signal: AbortSignal | undefined,
  /** Called with the bytes sent since the last call. */
  onSent: (bytes: number) => void,
): Promise<Response> {
  let sent = 0;
  let reported = 0;
  const stream = source.open(start);
  async function* body(): AsyncGenerator<Uint8Array> {
    let position = start;
    try {
      for await (const raw of stream) {
        let chunk = raw as Buffer;
        if (position + chunk.length > end) chunk = chunk.subarray(0, end - position);
        digest.feed(chunk, position);
        position += chunk.length;
        sent += chunk.length;
        // Progress every 4 MiB keeps events few on big blobs.
        if (sent - reported >= 4 * 1024 * 1024 || position === end) {
          onSent(sent - reported);
          reported = sent;
        }
        yield chunk;
        if (position >= end) break;
      }
    } finally {
      stream.destroy();
    }
  }
  try {
    return await repo.send("PATCH", location, {
      push: true,
      replayable: false,
      body: body(),
      duplex: "half",
      // Any other redirect mode makes fetch tee the body to replay it, and the unread branch keeps every byte sent.
      redirect: "error",
      headers: {
        "content-type": "application/octet-stream",
        "content-length": String(end - start),
        "content-range": `${start}-${end - 1}`,
      },
      signal,
    } as unknown as RequestInit);
  } finally {
    // The request may fail while fetch still pulls the body; stopping the source keeps a retry its only reader.
    stream.destroy();
    if (sent > reported) onSent(sent - reported);
  }
}
