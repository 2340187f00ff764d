// Builds an AppContext for in-process backend tests: temp STATE_DIR, logs captured in memory.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig, type Config } from "../../backend/src/config.js";
import type { AppContext } from "../../backend/src/context.js";
import { createLogger } from "../../backend/src/log.js";
import { HfTokenStore } from "../../backend/src/store/hf-token.js";

export interface TestContext {
  ctx: AppContext;
  /** Every log line the backend wrote, as text. */
  logs: () => string;
}

export function testContext(env: NodeJS.ProcessEnv = {}, overrides: Partial<AppContext> = {}): TestContext {
  const stateDir = mkdtempSync(join(tmpdir(), "mp-state-"));
  const config: Config = loadConfig({ PORT: "0", STATE_DIR: stateDir, ...env });
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = createLogger({ level: "debug", destination });
  const ctx: AppContext = {
    config,
    logger,
    hfToken: new HfTokenStore(stateDir, config.hfTokenFromEnv),
    registryLogins: async () => [],
    ...overrides,
  };
  return { ctx, logs: () => lines.join("") };
}
