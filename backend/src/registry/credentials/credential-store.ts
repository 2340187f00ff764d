import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { credentialFromHelper } from "./credential-helper.js";
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
      const fromHelper = await credentialFromHelper(helper.helper, loginKey(host), this.env);
      if (fromHelper || helper.perHost) return fromHelper;
    }
    const entry = findAuthEntry(config, host);
    return entry ? credentialFromEntry(entry) : undefined;
  }

  /** Stores a login in our own file, readable by the backend's user only. */
  async saveOwn(host: string, username: string, password: string): Promise<void> {
    const config: DockerConfigFile = await readDockerConfig(this.ownConfigPath);
    const auths = { ...(config.auths ?? {}) };
    auths[loginKey(host)] = { auth: Buffer.from(`${username}:${password}`).toString("base64") };
    await mkdir(dirname(this.ownConfigPath), { recursive: true, mode: 0o700 });
    const tmp = join(dirname(this.ownConfigPath), `.config.json.${process.pid}.tmp`);
    await writeFile(tmp, JSON.stringify({ ...config, auths }, null, 2), { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, this.ownConfigPath);
  }

  /** Hosts and user names we hold logins for (own file and the docker config's inline entries); never a secret. */
  async list(): Promise<Array<{ host: string; username: string }>> {
    const seen = new Map<string, string>();
    for (const path of [this.ownConfigPath, this.dockerConfigPath()]) {
      const config = await readDockerConfig(path).catch(() => ({}) as DockerConfigFile);
      for (const [key, entry] of Object.entries(config.auths ?? {})) {
        const credential = credentialFromEntry(entry);
        const host = hostOfKey(key);
        if (credential?.username && !seen.has(host)) seen.set(host, credential.username);
      }
    }
    return [...seen].map(([host, username]) => ({ host, username }));
  }
}

/** `https://index.docker.io/v1/` → `docker.io`, `https://ghcr.io` → `ghcr.io`. */
export function hostOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return host === "index.docker.io" || host === "registry-1.docker.io" ? "docker.io" : host;
}
