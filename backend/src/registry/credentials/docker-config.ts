import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { dockerHubRegistry, registryKey, sameRegistry } from "@model-publisher/contract";

/** What a registry login resolves to: a user and password, or an identity (refresh) token. */
export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user). */
  identityToken?: string;
}

/** The parts of `~/.docker/config.json` that hold credentials. */
export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker"), "config.json");
}

/** Reads a docker config file; a missing file is an empty config, a broken one is an error naming the file. */
export async function readDockerConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (err && typeof err === "object" && "code" in err && err.code === "ENOENT") return {};
    throw err;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === "object" ? (parsed as DockerConfigFile) : {};
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
}

/** Where `docker login` keeps Docker Hub's sign-in: its historical URL. */
export const dockerHubLoginKey = "https://index.docker.io/v1/";

/** The key `docker login` writes for a host: Docker Hub's historical URL by any of its names, else the host. */
export function loginKey(host: string): string {
  return registryKey(host) === dockerHubRegistry ? dockerHubLoginKey : host;
}

type AuthEntry = NonNullable<DockerConfigFile["auths"]>[string];

/**
 * The `auths` entry for a host, under whatever name the config gives its registry (scheme, path, case, Docker
 * Hub's aliases); the key `docker login` writes wins when several name it.
 */
export function findAuthEntry(config: DockerConfigFile, host: string): AuthEntry | undefined {
  const auths = config.auths ?? {};
  const exact = auths[loginKey(host)];
  if (exact) return exact;
  for (const [key, entry] of Object.entries(auths)) if (sameRegistry(key, host)) return entry;
  return undefined;
}

/** Decodes an `auths` entry: base64 `user:password` in `auth`, or explicit fields. */
export function credentialFromEntry(entry: AuthEntry): Credential | undefined {
  if (entry.identitytoken)
    return { identityToken: entry.identitytoken, ...(entry.username ? { username: entry.username } : {}) };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    return undefined;
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  return undefined;
}

/** Which credential helper serves a host: a `credHelpers` entry wins over `credsStore`. */
export function helperFor(config: DockerConfigFile, host: string): { helper: string; perHost: boolean } | undefined {
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (helper && sameRegistry(key, host)) return { helper, perHost: true };
  }
  return config.credsStore ? { helper: config.credsStore, perHost: false } : undefined;
}
