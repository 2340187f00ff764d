import { Readable } from "node:stream";
import { HubApiError } from "@huggingface/hub";
import { ContractError } from "../../errors.js";
import { hubCall, type HubConnection } from "../../hub/hub-fetch.js";
import { hubError, retryAfterSeconds } from "../../hub/hub-errors.js";
import { resolveFileUrl } from "../../hub/repo-path.js";
import { canceledError } from "../../registry/errcode.js";
import { sleep } from "../../registry/retry.js";

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
  const call = hubCall(options.conn);
  const url = resolveUrl(options.conn.hubUrl, file);
  const attempts = options.attempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  const context = {
    modelId: file.repo,
    revision: file.commit,
    tokenSet: !!options.conn.token,
    timeoutMs: idleTimeoutMs,
  };
  let position = start;
  let failures = 0;

  const again = async (error: Error, waitSeconds?: number) => {
    if (options.signal?.aborted) throw canceledError();
    if (++failures >= attempts) throw error;
    const backoff = Math.min(baseDelayMs * 2 ** (failures - 1), maxDelayMs);
    const wait =
      waitSeconds !== undefined
        ? Math.min(waitSeconds * 1000, maxDelayMs)
        : backoff / 2 + Math.random() * (backoff / 2);
    await sleep(wait, options.signal);
    options.onResume?.(position);
  };

  while (position < file.size) {
    const attempt = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, attempt.signal]) : attempt.signal;
    let idle: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => attempt.abort(new Error("stalled")), idleTimeoutMs);
    };
    let res: Response;
    try {
      arm();
      // With a Range header fetch asks for the bytes as stored (Accept-Encoding: identity, per the Fetch standard).
      res = await call.fetch(url, { headers: { range: `bytes=${position}-${file.size - 1}` }, signal });
    } catch {
      clearTimeout(idle);
      await again(unreachable(file, attempt.signal.aborted ? "no answer" : "connection failed"));
      continue;
    }
    if (!res.ok) {
      clearTimeout(idle);
      await res.body?.cancel().catch(() => undefined);
      const error = hubError(new HubApiError(url.href, res.status), {
        ...context,
        failure: { status: res.status, headers: res.headers },
      });
      if (res.status === 429 || res.status === 408 || res.status >= 500) {
        await again(error, res.status === 429 ? retryAfterSeconds(res.headers) : undefined);
        continue;
      }
      throw error;
    }
    // A server that ignores Range answers the whole file: skip to where we are.
    let skip = position;
    if (res.status === 206) {
      const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      const from = Number(range?.[1] ?? Number.NaN);
      if (!range || from > position) {
        clearTimeout(idle);
        await res.body?.cancel().catch(() => undefined);
        throw unreachable(file, "the Hub answered a range it was not asked for");
      }
      if (range[2] !== "*" && Number(range[2]) !== file.size) {
        clearTimeout(idle);
        await res.body?.cancel().catch(() => undefined);
        throw sizeMismatch(file, Number(range[2]));
      }
      skip = position - from;
    } else {
      const length = res.headers.get("content-length");
      // A coded body's length is not the file's; the size and sha256 checks on the bytes still apply.
      const coded = (res.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity";
      if (length !== null && !coded && Number(length) !== file.size) {
        clearTimeout(idle);
        await res.body?.cancel().catch(() => undefined);
        throw sizeMismatch(file, Number(length));
      }
    }
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let received = 0;
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          break;
        }
        arm();
        let chunk = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (skip > 0) {
          const n = Math.min(skip, chunk.length);
          skip -= n;
          chunk = chunk.subarray(n);
          if (chunk.length === 0) continue;
        }
        if (position + chunk.length > file.size) throw sizeMismatch(file, position + chunk.length);
        position += chunk.length;
        received += chunk.length;
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ContractError) throw err;
      if (received > 0) failures = 0;
      await again(unreachable(file, attempt.signal.aborted ? "the download stalled" : "the connection dropped"));
      continue;
    } finally {
      clearTimeout(idle);
      if (!finished) {
        attempt.abort();
        await reader.cancel().catch(() => undefined);
      }
    }
    if (position < file.size) {
      if (received > 0) failures = 0;
      await again(unreachable(file, "the response ended early"));
    }
  }
}

/** `hubFileBytes` as a Node stream: back-pressure holds the download while the consumer is busy. */
export function hubFileStream(file: HubFile, start: number, options: HubDownloadOptions): Readable {
  return Readable.from(hubFileBytes(file, start, options), { objectMode: false, highWaterMark: 1024 * 1024 });
}
