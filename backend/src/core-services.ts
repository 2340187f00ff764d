import { hubCallTimeoutMs, type Config } from "./config.js";
import { HubService } from "./hub/hub-service.js";
import type { Logger } from "./log.js";
import { RegistryClient } from "./registry/registry-client.js";
import { HfTokenStore } from "./store/hf-token.js";

/** The Hub token, the registry client and the Hub: what the backend and the CLI both publish with. */
export interface CoreServices {
  hfToken: HfTokenStore;
  registry: RegistryClient;
  hub: HubService;
}

/** The registry client the configuration asks for: the backend's logins, the stall timeout, the loopback alias. */
export function createRegistryClient(config: Config): RegistryClient {
  return new RegistryClient({
    stateDir: config.stateDir,
    stallTimeoutMs: config.stallTimeoutMs,
    loopbackHost: config.registryLoopbackHost,
  });
}

export function createCoreServices(config: Config, logger: Logger): CoreServices {
  const hfToken = new HfTokenStore(config.stateDir, config.hfTokenFromEnv);
  const registry = createRegistryClient(config);
  // The token is read at each call, so one stored through the settings is used at once.
  const hub = new HubService({
    hubUrl: config.hfEndpoint,
    token: () => hfToken.get(),
    logger,
    timeoutMs: hubCallTimeoutMs(config),
  });
  return { hfToken, registry, hub };
}
