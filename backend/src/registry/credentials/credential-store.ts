import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { registryKey, sameRegistry } from "@model-publisher/contract";
import { credentialFromHelper, serversFromHelper } from "./credential-helper.js";
import {
  credentialFromEntry,
  dockerConfigPath,
  findAuthEntry,
  helperFor,
  loginKey,
  readDockerConfig,
  type Credential,
  type DockerConfigFile,
} from "./docker-config.js";

const helperListCacheMs = 10_000;

export interface CredentialStoreOptions {
  /** The backend's own config file (docker format, mode 0600) for logins made without a docker CLI. */
  ownConfigPath: string;
  /** Environment for `DOCKER_CONFIG`, `HOME` and the helpers' `PATH`. */
  env?: NodeJS.ProcessEnv;
}

/** Resolves registry credentials: our own logins first, then the user's docker config (helpers, `auths`). */
export class CredentialStore {
  readonly ownConfigPath: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly helperLists = new Map<
    string,
    { at: number; servers: Promise<Array<{ serverUrl: string; username: string }>> }
  >();

  constructor(options: CredentialStoreOptions) {
    this.ownConfigPath = options.ownConfigPath;
    this.env = options.env ?? process.env;
  }

  /** The docker config the user's CLI reads. */
  dockerConfigPath(): string {
    return dockerConfigPath(this.env);
  }

  async get(host: string): Promise<Credential | undefined> {
    const own = await readDockerConfig(this.ownConfigPath);
    const ownEntry = findAuthEntry(own, host);
    const fromOwn = ownEntry && credentialFromEntry(ownEntry);
    if (fromOwn) return fromOwn;
    const config = await readDockerConfig(this.dockerConfigPath());
    const helper = helperFor(config, host);
    if (helper) {
      const server = helper.perHost ? loginKey(host) : await this.storedServer(helper.helper, host);
      const fromHelper = await credentialFromHelper(helper.helper, server, this.env);
      if (fromHelper || helper.perHost) return fromHelper;
    }
    const entry = findAuthEntry(config, host);
    return entry ? credentialFromEntry(entry) : undefined;
  }

  /** Stores a login in our own file, readable by the backend's user only. */
  async saveOwn(host: string, username: string, password: string): Promise<void> {
    const config: DockerConfigFile = await readDockerConfig(this.ownConfigPath);
    // One entry per registry: a login under another of its names (docker.io, index.docker.io) is replaced.
    const auths = Object.fromEntries(Object.entries(config.auths ?? {}).filter(([key]) => !sameRegistry(key, host)));
    auths[loginKey(host)] = { auth: Buffer.from(`${username}:${password}`).toString("base64") };
    await mkdir(dirname(this.ownConfigPath), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(this.ownConfigPath), `.config.json.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify({ ...config, auths }, null, 2), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.ownConfigPath);
  }

  /**
   * Hosts and user names we hold logins for, never a secret: our own logins first, then the docker config's inline
   * entries, then what its credential helpers list (`credsStore`, and `credHelpers` for the hosts they serve), as
   * Docker Desktop keeps its sign-ins in a helper.
   */
  async list(): Promise<Array<{ host: string; username: string }>> {
    const seen = new Map<string, string>();
    const add = (key: string, username: string) => {
      const host = registryKey(key);
      if (username && !seen.has(host)) seen.set(host, username);
    };
    const own = await readDockerConfig(this.ownConfigPath).catch(() => ({}) as DockerConfigFile);
    const config = await readDockerConfig(this.dockerConfigPath()).catch(() => ({}) as DockerConfigFile);
    for (const file of [own, config]) {
      for (const [key, entry] of Object.entries(file.auths ?? {})) add(key, credentialFromEntry(entry)?.username ?? "");
    }
    // Which hosts each helper may name: a credHelpers helper its own hosts, the credsStore every other host.
    const perHost = new Map(
      Object.entries(config.credHelpers ?? {}).map(([key, helper]) => [registryKey(key), helper]),
    );
    const helpers = new Map<string, (host: string) => boolean>();
    for (const helper of new Set(perHost.values())) helpers.set(helper, (host) => perHost.get(host) === helper);
    if (config.credsStore) {
      const store = config.credsStore;
      const alsoPerHost = helpers.get(store);
      helpers.set(store, (host) => !perHost.has(host) || (alsoPerHost?.(host) ?? false));
    }
    const listed = await Promise.all(
      [...helpers].map(async ([helper, serves]) =>
        (await this.helperServers(helper)).filter((entry) => serves(registryKey(entry.serverUrl))),
      ),
    );
    for (const entries of listed) for (const entry of entries) add(entry.serverUrl, entry.username);
    return [...seen].map(([host, username]) => ({ host, username }));
  }

  /**
   * The server URL a credential store keeps a registry's login under (`https://ghcr.io` for ghcr.io), as its list
   * names it; else the key `docker login` writes.
   */
  private async storedServer(helper: string, host: string): Promise<string> {
    const listed = (await this.helperServers(helper)).find((entry) => sameRegistry(entry.serverUrl, host));
    return listed?.serverUrl ?? loginKey(host);
  }

  /** `docker-credential-<helper> list`, kept for a few seconds: the settings are read often, a helper is a process. */
  private async helperServers(helper: string): Promise<Array<{ serverUrl: string; username: string }>> {
    const now = Date.now();
    const hit = this.helperLists.get(helper);
    if (hit && now - hit.at < helperListCacheMs) return hit.servers;
    const servers = serversFromHelper(helper, this.env);
    this.helperLists.set(helper, { at: now, servers });
    return servers;
  }
}
