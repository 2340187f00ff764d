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

const nextLinkRe = /<([^>]+)>;\s*rel="next"/;

/**
 * Wraps fetch for `@huggingface/hub`: a timeout on every request, the token on requests to the Hub's own origin
 * (set here rather than as `accessToken`, which the library refuses unless it starts with `hf_`), and a record of
 * failures and `Link` headers. `firstUrl` sends the first request there instead: the library has no cursor parameter,
 * so a later page starts from the Hub's own next-page link.
 */
export function hubCall(conn: HubConnection, options: { firstUrl?: URL } = {}): HubCall {
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
    const timeout = AbortSignal.timeout(conn.timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const res = await base(url, { ...init, headers, signal });
    if (!res.ok) failure = { status: res.status, headers: res.headers };
    next = nextLinkRe.exec(res.headers.get("link") ?? "")?.[1];
    return res;
  };
  return { fetch: wrapped, failure: () => failure, nextLink: () => next };
}
