import { join } from "node:path";
import { parseReference, type ImageReference } from "@model-publisher/contract";
import { AuthClient } from "./auth/auth-client.js";
import { CredentialStore } from "./credentials/credential-store.js";
import { RegistryError } from "./errcode.js";
import { Repository } from "./repository.js";
import type { RetryPolicy } from "./retry.js";
import { stallGuardedFetch } from "./stall-guard.js";
import { streamingFetch } from "./streaming-fetch.js";

export interface RegistryClientOptions {
  /** Where the backend keeps its own logins (`<stateDir>/docker/config.json`). */
  stateDir: string;
  /** Environment for `DOCKER_CONFIG`, `HOME` and credential helpers. */
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  /** A request that moves no byte for this long is dropped and retried (then fails with `timeout`); default none. */
  stallTimeoutMs?: number;
  /** REGISTRY_LOOPBACK_HOST: where `localhost`, `127.x.y.z` and `[::1]` registries are reached; unset: as named. */
  loopbackHost?: string;
}

/** The backend's own docker-format credential file. */
export function ownConfigPath(stateDir: string): string {
  return join(stateDir, "docker", "config.json");
}

/** Entry point of the registry layer: one credential store and one token cache shared by all repositories. */
export class RegistryClient {
  readonly credentials: CredentialStore;
  readonly auth: AuthClient;
  /** The environment credential helpers and `docker login` run with. */
  readonly env: NodeJS.ProcessEnv;
  readonly fetch: typeof fetch;
  /** Where loopback registries are reached (`registryBaseUrl`); every repository, login and token request uses it. */
  readonly loopbackHost?: string;
  private readonly retry?: RetryPolicy;

  constructor(options: RegistryClientOptions) {
    this.env = options.env ?? process.env;
    const base = options.fetch ?? streamingFetch;
    this.fetch = options.stallTimeoutMs ? stallGuardedFetch(base, options.stallTimeoutMs) : base;
    this.loopbackHost = options.loopbackHost;
    this.credentials = new CredentialStore({ ownConfigPath: ownConfigPath(options.stateDir), env: options.env });
    this.auth = new AuthClient({
      credentials: (host) => this.credentials.get(host),
      fetch: this.fetch,
      loopbackHost: options.loopbackHost,
    });
    this.retry = options.retry;
  }

  /** A repository of a parsed reference; `insecure` asks for plain HTTP on a non-loopback host. */
  repository(reference: ImageReference, insecure = false): Repository {
    return new Repository({
      host: reference.registry,
      repository: reference.repository,
      auth: this.auth,
      insecure,
      loopbackHost: this.loopbackHost,
      ...(this.retry ? { retry: this.retry } : {}),
    });
  }
}

/** Parses a reference or throws `invalid_reference` with the reason. */
export function referenceOf(input: string): ImageReference {
  const parsed = parseReference(input);
  if (!parsed.ok) throw new RegistryError("invalid_reference", `Invalid reference "${input}": ${parsed.reason}.`);
  return parsed.value;
}
