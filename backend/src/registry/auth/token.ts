import type { Credential } from "../credentials/docker-config.js";
import { errorFromResponse, networkError, RegistryError } from "../errcode.js";

export interface TokenRequest {
  realm: string;
  service?: string;
  scopes: string[];
  credential?: Credential;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface Token {
  token: string;
  /** Epoch milliseconds after which the token is not used again. */
  expiresAt: number;
}

const clientId = "model-publisher";

function basicHeader(credential: Credential): string {
  return `Basic ${Buffer.from(`${credential.username ?? ""}:${credential.password ?? ""}`).toString("base64")}`;
}

async function readToken(res: Response): Promise<Token> {
  const body = (await res.json().catch(() => ({}))) as {
    token?: unknown;
    access_token?: unknown;
    expires_in?: unknown;
  };
  const token =
    typeof body.token === "string" && body.token
      ? body.token
      : typeof body.access_token === "string"
        ? body.access_token
        : "";
  if (!token) throw new RegistryError("registry_error", "The registry's token server answered without a token.");
  // Docker's default lifetime is 60 s when the server does not say; renew 10 s early.
  const seconds = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60;
  return { token, expiresAt: Date.now() + Math.max(seconds - 10, 5) * 1000 };
}

/**
 * Gets a Bearer token the way docker does: a refresh token is exchanged by POST (oauth2 form);
 * otherwise GET with Basic credentials, falling back to the oauth2 password grant when GET is not offered.
 */
export async function fetchToken(req: TokenRequest): Promise<Token> {
  const doFetch = req.fetch ?? fetch;
  const what = "token request";
  const post = async (form: Record<string, string>) => {
    const body = new URLSearchParams({ client_id: clientId, ...form });
    if (req.service) body.set("service", req.service);
    if (req.scopes.length > 0) body.set("scope", req.scopes.join(" "));
    try {
      return await doFetch(req.realm, { method: "POST", body, signal: req.signal });
    } catch (err) {
      throw networkError(err, what);
    }
  };
  const credential = req.credential;
  let res: Response;
  if (credential?.identityToken) {
    res = await post({ grant_type: "refresh_token", refresh_token: credential.identityToken });
  } else {
    const url = new URL(req.realm);
    if (req.service) url.searchParams.set("service", req.service);
    for (const scope of req.scopes) url.searchParams.append("scope", scope);
    const headers: Record<string, string> = {};
    if (credential?.username) {
      headers.authorization = basicHeader(credential);
      url.searchParams.set("account", credential.username);
    }
    try {
      res = await doFetch(url, { headers, signal: req.signal });
    } catch (err) {
      throw networkError(err, what);
    }
    if ((res.status === 404 || res.status === 405) && credential?.username && credential.password) {
      await res.body?.cancel();
      res = await post({ grant_type: "password", username: credential.username, password: credential.password });
    }
  }
  if (!res.ok) throw await errorFromResponse(res, what);
  return readToken(res);
}

export { basicHeader };
