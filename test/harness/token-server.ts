import { spawnSync } from "node:child_process";
import { createSign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

export interface TokenServerOptions {
  /** Directory for the generated signing key and certificate. */
  dir: string;
  service: string;
  issuer: string;
  /** Accepted user and password; anonymous requests get pull-only tokens. */
  user: { username: string; password: string };
}

export interface TokenServer {
  realm: string;
  /** PEM certificate the registry trusts (`auth.token.rootcertbundle`). */
  certPath: string;
  /** Each token request: method, scopes asked and whether the user authenticated. */
  requests: Array<{ method: string; scopes: string[]; user?: string }>;
  /** How wrong credentials are refused: 401 (distribution's own token server) or 403 (some hosted registries). */
  refuseStatus: 401 | 403;
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** A minimal docker token server (distribution's token auth spec): JWTs signed RS256 with an x5c header. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const keyPath = join(options.dir, "token.key");
  const certPath = join(options.dir, "token.crt");
  const gen = spawnSync("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    keyPath,
    "-out",
    certPath,
    "-days",
    "1",
    "-subj",
    "/CN=model-publisher-test-token",
  ]);
  if (gen.status !== 0) throw new Error(`openssl failed (install the Debian package openssl): ${gen.stderr}`);
  const key = readFileSync(keyPath, "utf8");
  const certDer = new X509Certificate(readFileSync(certPath)).raw;
  const requests: TokenServer["requests"] = [];

  const sign = (subject: string, scopes: string[], authed: boolean) => {
    const now = Math.floor(Date.now() / 1000);
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(":");
      if (type !== "repository" || !name || !actions) return [];
      const granted = actions.split(",").filter((a) => authed || a === "pull");
      return [{ type, name, actions: granted }];
    });
    const header = { typ: "JWT", alg: "RS256", x5c: [certDer.toString("base64")] };
    const claims = {
      iss: options.issuer,
      sub: subject,
      aud: options.service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: String(Math.random()),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign("RSA-SHA256").update(input).sign(key);
    return `${input}.${b64url(signature)}`;
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = "";
      req
        .setEncoding("utf8")
        .on("data", (c: string) => (body += c))
        .on("end", () => resolve(body));
    });

  const refusal: { status: 401 | 403 } = { status: 401 };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://x");
      let scopes = url.searchParams
        .getAll("scope")
        .flatMap((s) => s.split(" "))
        .filter(Boolean);
      let user: string | undefined;
      let password: string | undefined;
      const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? "");
      if (basic?.[1]) [user, password] = Buffer.from(basic[1], "base64").toString().split(":") as [string, string];
      if (req.method === "POST") {
        const form = new URLSearchParams(await readBody(req));
        scopes = (form.get("scope") ?? "").split(" ").filter(Boolean);
        user = form.get("username") ?? undefined;
        password = form.get("password") ?? undefined;
      }
      requests.push({ method: req.method ?? "GET", scopes, ...(user ? { user } : {}) });
      if (user !== undefined && (user !== options.user.username || password !== options.user.password)) {
        res
          .writeHead(refusal.status, { "content-type": "application/json" })
          .end(JSON.stringify({ details: "bad credentials" }));
        return;
      }
      const token = sign(user ?? "", scopes, user !== undefined);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    certPath,
    requests,
    get refuseStatus() {
      return refusal.status;
    },
    set refuseStatus(status: 401 | 403) {
      refusal.status = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
