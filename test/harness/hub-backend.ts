/** The backend over a real HTTP listener, wired to a Hub at `hubUrl` (the fixture server), logs captured. */
import { rm } from "node:fs/promises";
import type { AppContext } from "../../backend/src/context.js";
import { HubService } from "../../backend/src/hub/hub-service.js";
import { startServer } from "../../backend/src/server.js";
import { testContext } from "./app-context.js";

export interface HubBackend {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  ctx: AppContext;
  /** Every log line written so far. */
  logs: () => string;
  /** Moves the search cache's clock forward. */
  advanceClock(ms: number): void;
  stop(): Promise<void>;
}

export async function startHubBackend(options: {
  hubUrl: string;
  /** `HF_TOKEN` in the environment. */
  envToken?: string;
  timeoutMs?: number;
}): Promise<HubBackend> {
  const { ctx, logs } = testContext({
    HF_ENDPOINT: options.hubUrl,
    ...(options.envToken ? { HF_TOKEN: options.envToken } : {}),
  });
  let clock = Date.now();
  ctx.hub = new HubService({
    hubUrl: ctx.config.hfEndpoint,
    token: () => ctx.hfToken.get(),
    logger: ctx.logger,
    timeoutMs: options.timeoutMs ?? 2_000,
    now: () => clock,
  });
  const running = await startServer(ctx);
  return {
    url: running.address,
    ctx,
    logs,
    advanceClock(ms) {
      clock += ms;
    },
    async stop() {
      await running.close();
      await rm(ctx.config.stateDir, { recursive: true, force: true });
    },
  };
}
