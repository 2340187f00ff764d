import type { Config } from "./config.js";
import type { Logger } from "./log.js";
import type { HfTokenStore } from "./store/hf-token.js";
import type { PublishServices } from "./jobs/publish-services.js";
import type { BuilderService } from "./buildx/builders.js";
import type { HubService } from "./hub/hub-service.js";
import type { RegistryClient } from "./registry/registry-client.js";

/** The services the HTTP routes use; built once in `main.ts`, built by hand in tests. */
export interface AppContext {
  config: Config;
  logger: Logger;
  hfToken: HfTokenStore;
  /** The registries the backend holds credentials for (no secrets). */
  registryLogins: () => Promise<Array<{ host: string; username: string }>>;
  /** The builder publish uses when a request names none. */
  defaultBuilder?: () => string | undefined;
  /** Publish queue and job history (`POST /publish`, `/jobs…`); the routes are mounted when present. */
  publish?: PublishServices;
  /** The buildx builders (`GET|POST /builders`); the routes are mounted when present. */
  builders?: BuilderService;
  /** The Hugging Face Hub (`GET /models…`); the routes are mounted when present. */
  hub?: HubService;
  /** The OCI registry client (`GET /manifest`, `POST /manifest/compare`, `POST /registries/login`); mounted when present. */
  registry?: RegistryClient;
}
