import type { Credential } from "../credentials/docker-config.js";
import { networkError, RegistryError } from "../errcode.js";
import { reachableUrl, registryBaseUrl } from "../endpoint.js";
import { parseChallenge, type Challenge } from "./challenge.js";
import { basicHeader, fetchToken, type Token } from "./token.js";

export interface AuthClientOptions {
  /** Looks up the credential for a registry host; undefined means anonymous. */
  credentials: (host: string) => Promise<Credential | undefined>;
  fetch?: typeof fetch;
  /** REGISTRY_LOOPBACK_HOST: where loopback registries and token realms are reached (see `registryBaseUrl`). */
  loopbackHost?: string;
}

/** True when `scope` (`type:name:actions`) asks for nothing the `held` scopes do not already grant. */
export function scopeCovered(scope: string, held: readonly string[]): boolean {
  const split = (text: string) => {
    const actionsAt = text.lastIndexOf(":");
    return { resource: text.slice(0, actionsAt), actions: text.slice(actionsAt + 1).split(",") };
  };
  const wanted = split(scope);
  return held.some((candidate) => {
    const have = split(candidate);
    return (
      have.resource === wanted.resource &&
      (have.actions.includes("*") || wanted.actions.every((action) => have.actions.includes(action)))
    );
  });
}

export interface AuthedRequest {
  /** Registry host the request goes to (credentials and cache key). */
  host: string;
  /** Scopes the request needs (`repository:a/b:pull,push`). */
  scopes: string[];
  /** False for streamed bodies: a 401 cannot be answered by sending the same body again. */
  replayable: boolean;
}

/**
 * Answers registry auth challenges like docker: remembers each host's challenge, fetches Bearer tokens per
 * scope set and caches them until they expire; Basic hosts get the credential on every request.
 */
export class AuthClient {
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, Token>();
  /** One lookup per host for a short while: a credential helper is a process spawn, and logins change. */
  private readonly credentials = new Map<string, { at: number; found: Promise<Credential | undefined> }>();
  /** Scopes a registry named in an `insufficient_scope` challenge, added to what a request of that kind asks. */
  private readonly scopeHints = new Map<string, string[]>();
  private readonly doFetch: typeof fetch;

  constructor(private readonly options: AuthClientOptions) {
    this.doFetch = options.fetch ?? fetch;
  }

  /** Forgets cached tokens of a host (after a login changes its credentials). */
  forget(host: string): void {
    this.challenges.delete(host);
    this.credentials.delete(host);
    for (const key of [...this.tokens.keys()]) if (key.startsWith(`${host} `)) this.tokens.delete(key);
    for (const key of [...this.scopeHints.keys()]) if (key.startsWith(`${host} `)) this.scopeHints.delete(key);
  }

  private credentialFor(host: string): Promise<Credential | undefined> {
    const cached = this.credentials.get(host);
    if (cached && Date.now() - cached.at < 30_000) return cached.found;
    const found = this.options.credentials(host);
    this.credentials.set(host, { at: Date.now(), found });
    found.catch(() => this.credentials.delete(host));
    return found;
  }

  private tokenKey(host: string, scopes: string[]): string {
    return `${host} ${[...scopes].sort().join(" ")}`;
  }

  private async authorization(
    host: string,
    scopes: string[],
    signal?: AbortSignal | null,
  ): Promise<string | undefined> {
    const challenge = this.challenges.get(host);
    if (!challenge) return undefined;
    if (challenge.scheme === "basic") {
      const credential = await this.credentialFor(host);
      return credential?.username ? basicHeader(credential) : undefined;
    }
    if (challenge.scheme !== "bearer" || !challenge.params.realm) return undefined;
    const key = this.tokenKey(host, scopes);
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await fetchToken({
      // A realm on a loopback host (a local registry's own token server) is the user's machine too.
      realm: reachableUrl(challenge.params.realm, this.options.loopbackHost).href,
      service: challenge.params.service,
      scopes,
      credential: await this.credentialFor(host),
      fetch: this.doFetch,
      signal: signal ?? undefined,
    });
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  /**
   * Sends a request with whatever auth the host wants, learning the challenge on the first 401. Credentials go to the
   * registry's own origin only: an upload `Location` on another host (object storage) gets none.
   */
  async send(url: string | URL, init: RequestInit, req: AuthedRequest): Promise<Response> {
    // An absolute upload Location naming loopback means the user's machine, reached at the loopback alias. (A
    // redirect fetch follows itself does not come back here.)
    const target = reachableUrl(url, this.options.loopbackHost);
    const registryOrigin = new URL(registryBaseUrl(req.host, target.protocol === "http:", this.options.loopbackHost));
    if (target.origin !== registryOrigin.origin) {
      try {
        return await this.doFetch(target, init);
      } catch (err) {
        if (init.signal?.aborted) throw err;
        throw networkError(err, `${init.method ?? "GET"} ${target.pathname}`);
      }
    }
    const hintKey = this.tokenKey(req.host, req.scopes);
    const scopes = () => this.scopeHints.get(hintKey) ?? req.scopes;
    const attempt = async () => {
      const headers = new Headers(init.headers);
      const authorization = await this.authorization(req.host, scopes(), init.signal);
      if (authorization) headers.set("authorization", authorization);
      try {
        return await this.doFetch(target, { ...init, headers });
      } catch (err) {
        if (init.signal?.aborted) throw err;
        throw networkError(err, `${init.method ?? "GET"} ${target.pathname}`);
      }
    };
    const known = this.challenges.has(req.host);
    let res = await attempt();
    if (res.status !== 401) return res;
    const challenge = parseChallenge(res.headers.get("www-authenticate"));
    if (!challenge) return res;
    const before = this.challenges.get(req.host);
    this.challenges.set(req.host, challenge);
    // A cached token was refused (expired or revoked): drop it and ask again once.
    if (known) this.tokens.delete(this.tokenKey(req.host, scopes()));
    // The registry may say which scope this request needs (`insufficient_scope`): ask for it too from now on.
    const missing = (challenge.params.scope ?? "")
      .split(" ")
      .filter((scope) => scope && !scopeCovered(scope, scopes()));
    if (challenge.scheme === "bearer" && missing.length > 0) this.scopeHints.set(hintKey, [...scopes(), ...missing]);
    const unchanged = known && before?.scheme === challenge.scheme && challenge.scheme === "basic";
    if (unchanged) return res;
    if (!req.replayable) {
      await res.body?.cancel();
      throw new RegistryError(
        "registry_unauthorized",
        "The registry asked for new credentials mid-upload.",
        401,
        [],
        true,
      );
    }
    await res.body?.cancel();
    res = await attempt();
    return res;
  }
}
