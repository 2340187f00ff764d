import { registryKey } from "@model-publisher/contract";
import { runDocker } from "../buildx/docker-cli.js";
import { AuthClient } from "./auth/auth-client.js";
import type { Credential } from "./credentials/docker-config.js";
import { registryBaseUrl } from "./endpoint.js";
import { errorFromResponse, RegistryError } from "./errcode.js";
import type { RegistryClient } from "./registry-client.js";

/** Checks a user and password against the registry the way `docker login` does (`/v2/` with its challenge). */
export async function verifyLogin(
  host: string,
  credential: Credential,
  options: { fetch?: typeof fetch; signal?: AbortSignal; loopbackHost?: string } = {},
): Promise<void> {
  const { loopbackHost } = options;
  const auth = new AuthClient({ credentials: async () => credential, fetch: options.fetch, loopbackHost });
  const refused = () => new RegistryError("registry_unauthorized", `The registry ${host} refused these credentials.`);
  let res: Response;
  try {
    res = await auth.send(
      new URL("/v2/", registryBaseUrl(host, false, loopbackHost)),
      { method: "GET", signal: options.signal },
      { host, scopes: [], replayable: true },
    );
  } catch (err) {
    // A token server that refuses the user and password (401 or 403) is the same answer: not these credentials.
    if (err instanceof RegistryError && (err.code === "registry_unauthorized" || err.code === "registry_denied")) {
      throw refused();
    }
    throw err;
  }
  if (res.ok) {
    await res.body?.cancel();
    return;
  }
  const err = await errorFromResponse(res, "login");
  if (err.code === "registry_unauthorized" || err.code === "registry_denied") throw refused();
  throw err;
}

/** True when the docker CLI reaches a running engine (`docker login` needs one to be trusted here). */
export async function dockerEngineAvailable(dockerBin: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const result = await runDocker(dockerBin, ["version", "--format", "{{.Server.Version}}"], {
      timeoutMs: 5_000,
      env,
    });
    return result.code === 0 && result.stdout.trim().length > 0;
  } catch {
    return false;
  }
}

export type LoginStore = "docker" | "backend";

/**
 * Verifies the credentials, then stores them: through `docker login --password-stdin` when a docker engine answers,
 * else (or when that fails) in the backend's own config file (mode 0600). The password only travels on stdin.
 */
export async function loginToRegistry(
  client: RegistryClient,
  request: { host: string; username: string; password: string },
  options: { dockerBin: string; signal?: AbortSignal },
): Promise<LoginStore> {
  const { host, username, password } = request;
  await verifyLogin(
    host,
    { username, password },
    { fetch: client.fetch, signal: options.signal, loopbackHost: client.loopbackHost },
  );
  // References name Docker Hub docker.io whichever name the user signed in under.
  for (const name of new Set([host, registryKey(host)])) client.auth.forget(name);
  if (await dockerEngineAvailable(options.dockerBin, client.env)) {
    const result = await runDocker(options.dockerBin, ["login", "--username", username, "--password-stdin", host], {
      stdin: password,
      env: client.env,
      timeoutMs: 30_000,
    }).catch(() => undefined);
    if (result?.code === 0) return "docker";
  }
  await client.credentials.saveOwn(host, username, password);
  return "backend";
}
