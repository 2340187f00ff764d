import { Backoff, type BackoffPolicy } from "../backoff.js";

/** How to reach the Hub for one operation. */
export interface HubConnection {
  /** `HF_ENDPOINT`, without a trailing slash. */
  hubUrl: string;
  /** The user's Hub token, when one is set. */
  token?: string;
  /** Longest one request may take, body included, before the Hub counts as unreachable. */
  timeoutMs: number;
  /** The fetch underneath; tests may swap it. */
  fetch?: typeof fetch;
}

/** A non-2xx answer as the wire gave it; the library's errors drop the headers we need (X-Error-Code, Retry-After). */
export interface HubFailure {
  status: number;
  headers: Headers;
}

/** The `fetch` handed to `@huggingface/hub` for one operation, and what it saw on the way. */
export interface HubCall {
  fetch: typeof fetch;
  /** The last non-2xx answer. */
  failure(): HubFailure | undefined;
  /** `rel="next"` of the `Link` header of the last answer. */
  nextLink(): string | undefined;
}

/**
 * The `rel="next"` target of a `Link` header (RFC 8288: several links, quoted or bare `rel` values, relation lists,
 * references relative to the answer's URL), as an absolute URL; undefined when there is none.
 */
export function nextPageLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  for (const match of header.matchAll(/<([^>]*)>([^<]*)/g)) {
    const params = match[2] ?? "";
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const relations = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (!relations.includes("next")) continue;
    try {
      return new URL(match[1] ?? "", base).href;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export interface HubCallOptions {
  /** Sends the first request here instead (a later page of a listing). */
  firstUrl?: URL;
  /**
   * Extra attempts after a dropped connection or a 500/502/503/504, with the whole body read inside each attempt
   * (so a body cut short is retried too). For API calls only: their answers are small JSON; downloads stream.
   */
  retries?: number;
}

/** The waits of a retried Hub API call: 200 ms, then 800 ms, then 1 s. */
const retryWaits: Omit<BackoffPolicy, "attempts"> = { baseDelayMs: 200, factor: 4, maxDelayMs: 1_000, jitter: 0 };
const retriedStatuses = new Set([500, 502, 503, 504]);

/** A Hub API call (model info, listings, access checks): two more attempts after a dropped connection or a 5xx. */
export function hubApiCall(conn: HubConnection, options: Omit<HubCallOptions, "retries"> = {}): HubCall {
  return hubCall(conn, { ...options, retries: 2 });
}

/**
 * Wraps fetch for `@huggingface/hub`: a timeout on every request, the token on requests to the Hub's own origin
 * (set here rather than as `accessToken`, which the library refuses unless it starts with `hf_`), and a record of
 * failures and `Link` headers. `firstUrl` sends the first request there instead: the library has no cursor parameter,
 * so a later page starts from the Hub's own next-page link.
 */
export function hubCall(conn: HubConnection, options: HubCallOptions = {}): HubCall {
  const base = conn.fetch ?? fetch;
  const hubOrigin = new URL(conn.hubUrl).origin;
  let failure: HubFailure | undefined;
  let next: string | undefined;
  let firstUrl = options.firstUrl;

  const wrapped: typeof fetch = async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    if (firstUrl) {
      const limit = url.searchParams.get("limit");
      url = new URL(firstUrl);
      if (limit) url.searchParams.set("limit", limit);
      firstUrl = undefined;
    }
    const headers = new Headers(init?.headers);
    if (conn.token && url.origin === hubOrigin && !headers.has("authorization")) {
      headers.set("authorization", `Bearer ${conn.token}`);
    }
    const retries = options.retries ?? 0;
    const backoff = new Backoff({ ...retryWaits, attempts: retries + 1 }, { signal: init?.signal });
    for (;;) {
      const timeout = AbortSignal.timeout(conn.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let res: Response;
      try {
        res = await base(url, { ...init, headers, signal });
        if (retries > 0) {
          // Read the whole (small) answer within this attempt, so a connection cut mid-body is retried as well.
          const body = res.status === 204 || res.status === 304 ? null : await res.arrayBuffer();
          res = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
        }
      } catch (err) {
        // A timeout or the caller's abort ends the call; only a dropped connection is tried again.
        if (signal.aborted || !(await backoff.retry())) throw err;
        continue;
      }
      if (retriedStatuses.has(res.status) && (await backoff.retry())) continue;
      if (!res.ok) failure = { status: res.status, headers: res.headers };
      const link = res.headers.get("link");
      next = nextPageLink(link, res.url || url.href);
      if (link !== null) {
        // @huggingface/hub pages by an absolute, quoted `rel="next"` only: hand it the next link in that form, so a
        // relative or bare one does not end a listing silently after its first page.
        const headers = new Headers(res.headers);
        if (next) headers.set("link", `<${next}>; rel="next"`);
        else headers.delete("link");
        res = new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      }
      return res;
    }
  };
  return { fetch: wrapped, failure: () => failure, nextLink: () => next };
}
