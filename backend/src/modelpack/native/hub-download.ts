import { Readable } from "node:stream";
import { HubApiError } from "@huggingface/hub";
import { Backoff } from "../../backoff.js";
import { ContractError } from "../../errors.js";
import { hubCall, type HubCall, type HubConnection } from "../../hub/hub-fetch.js";
import { hubError, retryAfterSeconds } from "../../hub/hub-errors.js";
import { resolveFileUrl } from "../../hub/repo-path.js";
import { canceledError } from "../../registry/errcode.js";

/** One file of a model at a commit, as the listing gave it. */
export interface HubFile {
  repo: string;
  commit: string;
  path: string;
  size: number;
}

export interface HubDownloadOptions {
  /** The Hub connection; its per-request timeout should allow a whole file, `idleTimeoutMs` catches stalls. */
  conn: HubConnection;
  signal?: AbortSignal;
  /** Failed attempts in a row before giving up (an attempt that delivered bytes resets the count). */
  attempts?: number;
  baseDelayMs?: number;
  /** Longest wait between attempts, `Retry-After` included. */
  maxDelayMs?: number;
  /** A response that sends nothing for this long is dropped and resumed. */
  idleTimeoutMs?: number;
  /** Called each time a dropped download resumes. */
  onResume?: (position: number) => void;
}

/** `<HF_ENDPOINT>/<repo>/resolve/<commit>/<path>`: the Hub's download route (it redirects LFS files to its CDN). */
export function resolveUrl(hubUrl: string, file: HubFile): URL {
  return resolveFileUrl(hubUrl, file.repo, file.commit, file.path);
}

function sizeMismatch(file: HubFile, got: number): ContractError {
  return new ContractError(
    "integrity_error",
    `The Hub sent ${got} bytes for ${file.path} where its listing says ${file.size}; nothing was tagged.`,
  );
}

function unreachable(file: HubFile, why: string): ContractError {
  return new ContractError("hub_unreachable", `Downloading ${file.path} from the Hugging Face Hub failed (${why}).`);
}

/**
 * The bytes `[start, size)` of a Hub file. A connection dropped or stalled mid-body is resumed with `Range` from
 * the last byte received, after a backoff (a 429 waits its `Retry-After`), so callers see one unbroken stream.
 * Requests go through the Hub fetch hook (token only to the Hub's origin); its plain `resolve` route is used rather
 * than `downloadFile`, whose blob streams hide the status and headers a resume needs.
 */
export async function* hubFileBytes(file: HubFile, start: number, options: HubDownloadOptions): AsyncGenerator<Buffer> {
  const download = new HubDownload(file, start, options);
  while (download.position < file.size) yield* download.attempt();
}

/**
 * One request of a download: ended by the caller's signal, or by itself once the answer stalls. The stall clock is a
 * time stamp each chunk moves and one timer that looks at it, not a timer per chunk (a GiB arrives in ~16 000 reads).
 */
class Attempt {
  readonly signal: AbortSignal;
  /** The answer sent nothing for the idle timeout. */
  stalled = false;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private lastMoved = 0;
  private held = false;

  constructor(
    outer: AbortSignal | undefined,
    private readonly idleTimeoutMs: number,
  ) {
    this.signal = outer ? AbortSignal.any([outer, this.controller.signal]) : this.controller.signal;
  }

  /** Something moved: the stall clock starts again. */
  alive(): void {
    this.lastMoved = performance.now();
    this.held = false;
    this.timer ??= this.arm(this.idleTimeoutMs);
  }

  /** The consumer has the last bytes: time until the next `alive` is not the Hub's. */
  hold(): void {
    this.held = true;
  }

  /** The clock stops (the consumer holds the bytes, or the answer is done) until the next `alive`. */
  stopClock(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  abort(): void {
    this.controller.abort();
  }

  /** Looks again when the idle time since the last move would be up; the stall ends the request. */
  private arm(delayMs: number): NodeJS.Timeout {
    return setTimeout(() => {
      const idle = this.held ? 0 : performance.now() - this.lastMoved;
      if (idle < this.idleTimeoutMs) {
        this.timer = this.arm(this.idleTimeoutMs - idle);
        return;
      }
      this.timer = undefined;
      this.stalled = true;
      this.controller.abort(new Error("stalled"));
    }, delayMs);
  }
}

/** A Hub file on its way down: where it stands, and the tries it has left. */
class HubDownload {
  /** The next byte to deliver. */
  position: number;
  private readonly call: HubCall;
  private readonly url: URL;
  private readonly idleTimeoutMs: number;
  private readonly backoff: Backoff;

  constructor(
    private readonly file: HubFile,
    start: number,
    private readonly options: HubDownloadOptions,
  ) {
    this.position = start;
    this.call = hubCall(options.conn);
    this.url = resolveUrl(options.conn.hubUrl, file);
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.backoff = new Backoff(
      {
        attempts: options.attempts ?? 6,
        baseDelayMs: options.baseDelayMs ?? 250,
        maxDelayMs: options.maxDelayMs ?? 60_000,
      },
      { signal: options.signal, canceled: canceledError },
    );
  }

  /** One request for the bytes from `position` on, yielding what arrives; a failure worth another try waits its backoff. */
  async *attempt(): AsyncGenerator<Buffer> {
    const attempt = new Attempt(this.options.signal, this.idleTimeoutMs);
    const res = await this.request(attempt);
    if (!res) return;
    const skip = await this.bytesToSkip(res, attempt);
    let received = 0;
    try {
      for await (const chunk of this.body(res, skip, attempt)) {
        received += chunk.length;
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ContractError) throw err;
      if (received > 0) this.backoff.reset();
      await this.again(unreachable(this.file, attempt.stalled ? "the download stalled" : "the connection dropped"));
      return;
    }
    if (this.position < this.file.size) {
      if (received > 0) this.backoff.reset();
      await this.again(unreachable(this.file, "the response ended early"));
    }
  }

  /** Asks for `[position, size)`: the answer, or undefined when the try failed and the next may follow. */
  private async request(attempt: Attempt): Promise<Response | undefined> {
    let res: Response;
    try {
      attempt.alive();
      // With a Range header fetch asks for the bytes as stored (Accept-Encoding: identity, per the Fetch standard).
      const range = `bytes=${this.position}-${this.file.size - 1}`;
      res = await this.call.fetch(this.url, { headers: { range }, signal: attempt.signal });
    } catch {
      attempt.stopClock();
      await this.again(unreachable(this.file, attempt.stalled ? "no answer" : "connection failed"));
      return undefined;
    }
    if (res.ok) return res;
    attempt.stopClock();
    await res.body?.cancel().catch(() => undefined);
    const error = hubError(new HubApiError(this.url.href, res.status), {
      modelId: this.file.repo,
      revision: this.file.commit,
      tokenSet: !!this.options.conn.token,
      timeoutMs: this.idleTimeoutMs,
      failure: { status: res.status, headers: res.headers },
    });
    if (res.status === 429 || res.status === 408 || res.status >= 500) {
      await this.again(error, res.status === 429 ? retryAfterSeconds(res.headers) : undefined);
      return undefined;
    }
    throw error;
  }

  /** The bytes of the answer before `position`; throws when the answer is not this file's. */
  private async bytesToSkip(res: Response, attempt: Attempt): Promise<number> {
    const skip = answerOffset(res, this.file, this.position);
    if (typeof skip === "number") return skip;
    attempt.stopClock();
    await res.body?.cancel().catch(() => undefined);
    throw skip;
  }

  /** The answer's bytes after the first `skip`, moving `position` on; the request ends with it. */
  private async *body(res: Response, skip: number, attempt: Attempt): AsyncGenerator<Buffer> {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        attempt.alive();
        let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (skip > 0) {
          const n = Math.min(skip, chunk.length);
          skip -= n;
          chunk = chunk.subarray(n);
          if (chunk.length === 0) continue;
        }
        if (this.position + chunk.length > this.file.size) throw sizeMismatch(this.file, this.position + chunk.length);
        this.position += chunk.length;
        // Time the consumer takes (a slow target holding the tee back) is not the Hub stalling.
        attempt.hold();
        yield chunk;
        attempt.alive();
      }
    } finally {
      attempt.stopClock();
      if (!finished) {
        attempt.abort();
        await reader.cancel().catch(() => undefined);
      }
    }
  }

  /** After a failed try: throws `error` when it was the last, else waits its backoff and says so to `onResume`. */
  private async again(error: Error, waitSeconds?: number): Promise<void> {
    if (this.options.signal?.aborted) throw canceledError();
    if (!(await this.backoff.retry(waitSeconds))) throw error;
    this.options.onResume?.(this.position);
  }
}

/**
 * How many bytes of an answer come before `position` (a server that ignores Range answers the whole file), or the
 * error when the answer is not the file the listing describes.
 */
function answerOffset(res: Response, file: HubFile, position: number): number | Error {
  if (res.status !== 206) {
    const length = res.headers.get("content-length");
    // A coded body's length is not the file's; the size and sha256 checks on the bytes still apply.
    const coded = (res.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
    if (length !== null && !coded && Number(length) !== file.size) return sizeMismatch(file, Number(length));
    return position;
  }
  const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
  const from = Number(range?.[1] ?? Number.NaN);
  if (!range || from > position) return unreachable(file, "the Hub answered a range it was not asked for");
  if (range[2] !== "*" && Number(range[2]) !== file.size) return sizeMismatch(file, Number(range[2]));
  return position - from;
}

/** `hubFileBytes` as a Node stream: back-pressure holds the download while the consumer is busy. */
export function hubFileStream(file: HubFile, start: number, options: HubDownloadOptions): Readable {
  return Readable.from(hubFileBytes(file, start, options), { objectMode: false, highWaterMark: 1024 * 1024 });
}
