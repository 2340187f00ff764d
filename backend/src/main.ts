import { mkdir } from "node:fs/promises";
import { loadConfig } from "./config.js";
import { createCoreServices, createPublishServices } from "./core-services.js";
import { createLogger } from "./log.js";
import { startServer } from "./server.js";
import type { AppContext } from "./context.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger();
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  const { hfToken, registry, hub } = createCoreServices(config, logger);
  const publishing = createPublishServices({ config, logger, hfToken, registry, hub });
  const ctx: AppContext = {
    config,
    logger,
    hfToken,
    registry,
    registryLogins: () => registry.credentials.list(),
    hub,
    publish: publishing.publish,
    builders: publishing.builders,
  };
  const running = await startServer(ctx);
  logger.info({ address: running.address, version: config.version }, "backend started");
  // The one line scripts and `npm start` read to find the backend.
  process.stdout.write(`listening on ${running.address}\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "backend stopping");
    // Running builds are stopped (children included) and marked interrupted before the history closes.
    void publishing
      .close()
      .then(() => running.close())
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `model-publisher backend failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
