// Wiring: builds the services main.ts (the backend) and cli.ts (the command line) run with.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { BuilderService } from "./buildx/builders.js";
import { registryAccess } from "./buildx/registry-access.js";
import { BuildxRunner } from "./buildx/run-build.js";
import { hubCallTimeoutMs, type Config } from "./config.js";
import { HubService } from "./hub/hub-service.js";
import { resolveModel } from "./hub/resolve-model.js";
import { PublishQueue } from "./jobs/publish-queue.js";
import type { PublishServices } from "./jobs/publish-services.js";
import type { Logger } from "./log.js";
import { GitDigestCache } from "./modelpack/native/git-digest-cache.js";
import { NativeRunner } from "./modelpack/native-publisher.js";
import { RegistryClient } from "./registry/registry-client.js";
import { HfTokenStore } from "./store/hf-token.js";
import { JobStore } from "./store/job-store.js";

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

export interface PublishWiring {
  publish: PublishServices;
  builders: BuilderService;
  /** Interrupts running jobs (their children stopped) and closes the job history. */
  close: () => Promise<void>;
}

/** The temp dirs (`tmp/job-<id prefix>-*`) that builds of interrupted jobs left when the backend was killed. */
function removeWorkDirs(tmpRoot: string, jobIds: string[]): void {
  if (!existsSync(tmpRoot)) return;
  const prefixes = jobIds.map((id) => `job-${id.slice(0, 8)}-`);
  for (const name of readdirSync(tmpRoot)) {
    if (prefixes.some((prefix) => name.startsWith(prefix)))
      rmSync(join(tmpRoot, name), { recursive: true, force: true });
  }
}

/**
 * Opens the job history (marking jobs of a previous run `interrupted`), and builds the publish queue with the
 * buildx runners for direct and export mode, and the native runner when a Hub is given.
 */
export function createPublishServices(options: {
  config: Config;
  logger: Logger;
  hfToken: HfTokenStore;
  registry?: RegistryClient;
  /** The settings' builder, when one is chosen. */
  defaultBuilder?: () => string | undefined;
  /** The Hub native mode publishes from; the native runner is registered when present. */
  hub?: HubService;
  /** Where the job history lives; default STATE_DIR (the CLI keeps its own, apart from the backend's). */
  jobsDir?: string;
}): PublishWiring {
  const { config, logger } = options;
  const store = JobStore.open(options.jobsDir ?? config.stateDir, {
    onBroken: ({ movedTo, reason }) =>
      logger.error({ movedTo, reason }, "the job history could not be read; it was moved aside and a new one started"),
  });
  const registry = options.registry ?? createRegistryClient(config);
  const recovered = store.recover();
  if (recovered.interrupted.length > 0) {
    logger.warn({ jobs: recovered.interrupted }, "jobs of the previous run marked interrupted");
    removeWorkDirs(join(config.stateDir, "tmp"), recovered.interrupted);
  }
  const hub = options.hub;
  const builders = new BuilderService({ dockerBin: config.dockerBin, passthroughImage: config.passthroughImage });
  const defaultBuilder = async () =>
    options.defaultBuilder?.() ?? (await builders.current().catch(() => undefined))?.name;
  const runner = new BuildxRunner({
    dockerBin: config.dockerBin,
    stateDir: config.stateDir,
    frontendImage: config.frontendImage,
    hfToken: () => options.hfToken.get(),
    defaultBuilder,
    useBuilder: (name: string) => builders.use(name),
    registry: registryAccess(registry, store.pushedBlobs),
    idleTimeoutMs: config.buildIdleTimeoutMs,
    ...(hub
      ? {
          listHubFiles: (repo: string, revision: string) => hub.files(repo, revision),
          resolveHubModel: async (repo: string, revision: string) =>
            resolveModel(await hub.connection(), repo, revision),
          hubUrl: config.hfEndpoint,
        }
      : {}),
  });
  const queue = new PublishQueue({
    store,
    runners: { direct: runner, export: runner },
    concurrency: config.concurrency,
    logger,
  });
  if (hub) {
    queue.register(
      "native",
      new NativeRunner({
        hub: () => hub.connection(),
        registry,
        locations: store.pushedBlobs,
        digestCache: new GitDigestCache(join(config.stateDir, "native", "git-sha256.json")),
        download: { idleTimeoutMs: config.stallTimeoutMs },
      }),
    );
  }
  return {
    publish: {
      store,
      queue,
      ...(options.defaultBuilder ? { defaultBuilder: options.defaultBuilder } : {}),
      builderPassthrough: (name) => builders.passthrough(name),
      checkBuilder: async (name) => {
        if (name) await builders.get(name);
        else await builders.requireBuildx();
      },
      ...(hub ? { hubFiles: (repo: string, revision: string) => hub.files(repo, revision) } : {}),
    },
    builders,
    close: async () => {
      await queue.close();
      store.close();
    },
  };
}
