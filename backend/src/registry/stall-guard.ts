import { RegistryError } from "./errcode.js";
import { isStreamedBody, nullBodyStatuses } from "./streaming-fetch.js";

function stalledError(method: string, url: string, idleMs: number): RegistryError {
  const seconds = Math.round(idleMs / 100) / 10;
  return new RegistryError(
    "timeout",
    `The registry moved no byte for ${seconds} s (${method} ${new URL(url).pathname}); it may be overloaded or the network stalled.`,
    undefined,
    [],
    true,
  );
}

/**
 * Wraps fetch with an idle timeout: when no byte moves for `idleMs` (no answer, a body that stops, a registry that
 * stops taking an upload) the request is aborted with a retryable `timeout` error. Time spent waiting on the upload's
 * own source (a slow Hub download) does not count: that side has its own stall timeout.
 */
export function stallGuardedFetch(base: typeof fetch, idleMs: number): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? "GET";
    const url = input instanceof Request ? input.url : String(input);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(stalledError(method, url, idleMs)), idleMs);
      timer.unref();
    };
    const pause = () => clearTimeout(timer);
    const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
    let body = init?.body;
    if (isStreamedBody(body)) {
      const source = body;
      body = (async function* () {
        const iterator = source[Symbol.asyncIterator]();
        try {
          // fetch may keep pulling after an abort; the source is read by no one once the request is dead.
          while (!signal.aborted) {
            pause();
            const next = await iterator.next();
            arm();
            if (next.done) return;
            yield next.value;
          }
        } finally {
          await iterator.return?.();
        }
      })() as unknown as RequestInit["body"];
    }
    arm();
    let res: Response;
    try {
      res = await base(input, { ...init, ...(body !== undefined ? { body } : {}), signal } as RequestInit);
    } catch (err) {
      pause();
      // fetch rejects with the abort reason; a stall shows as the registry's fault, a cancel as the caller's.
      if (controller.signal.aborted && !init?.signal?.aborted) throw controller.signal.reason;
      throw err;
    }
    if (!res.body || nullBodyStatuses.has(res.status)) {
      pause();
      return res;
    }
    arm();
    const reader = res.body.getReader();
    const guarded = new ReadableStream<Uint8Array>({
      async pull(stream) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            pause();
            stream.close();
            return;
          }
          arm();
          stream.enqueue(value);
        } catch (err) {
          pause();
          stream.error(controller.signal.aborted && !init?.signal?.aborted ? controller.signal.reason : err);
        }
      },
      async cancel(reason) {
        pause();
        await reader.cancel(reason);
      },
    });
    return new Response(guarded, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
