// The backend over HTTP, in-process, with every publish mode wired: native against the Hub test server, direct and
// export through the docker stand-in (which fetches from the same Hub). For suites that publish through POST /publish.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { finishedStates, Job, JobList } from "@model-publisher/contract";
import { createPublishServices, type PublishWiring } from "../../backend/src/core-services.js";
import { HubService } from "../../backend/src/hub/hub-service.js";
import { RegistryClient } from "../../backend/src/registry/registry-client.js";
import { startServer } from "../../backend/src/server.js";
import { callApi, type ApiAnswer } from "./api-call.js";
import { testContext } from "./app-context.js";
import { startHubServer, type HubModelSpec, type HubServer } from "../fixtures/hub-server.js";
import { standinDocker } from "./buildx-publish.js";
import { startRegistry, type RunningRegistry } from "./registry.js";

export interface PublishBackend {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
  /** `POST /publish` (202 expected), then the job once it has finished. */
  publish(body: Record<string, unknown>): Promise<Job>;
  /** `GET /jobs`. */
  jobs(): Promise<Job[]>;
  stop(): Promise<void>;
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

export async function startPublishBackend(options: { hubUrl: string }): Promise<PublishBackend> {
  const toolDir = mkdtempSync(join(tmpdir(), "mp-publish-tools-"));
  // The stand-in fetches from the Hub test server and keeps its builders here; the backend's env stays untouched.
  const docker = join(toolDir, "docker");
  writeFileSync(
    docker,
    `#!/bin/sh\nHF_ENDPOINT=${quote(options.hubUrl)} STANDIN_STATE_DIR=${quote(toolDir)} exec ${quote(standinDocker)} "$@"\n`,
  );
  chmodSync(docker, 0o755);
  const { ctx } = testContext({ HF_ENDPOINT: options.hubUrl, DOCKER_BIN: docker });
  ctx.hub = new HubService({
    hubUrl: options.hubUrl,
    token: () => ctx.hfToken.get(),
    logger: ctx.logger,
    timeoutMs: 5_000,
  });
  ctx.registry = new RegistryClient({ stateDir: ctx.config.stateDir, env: { HOME: ctx.config.stateDir } });
  const wiring: PublishWiring = createPublishServices({
    config: ctx.config,
    logger: ctx.logger,
    hfToken: ctx.hfToken,
    registry: ctx.registry,
    hub: ctx.hub,
  });
  ctx.publish = wiring.publish;
  ctx.builders = wiring.builders;
  const server = await startServer(ctx);
  const call = (method: string, path: string, body?: unknown) => callApi(server.address, method, path, body);
  return {
    url: server.address,
    call,
    async publish(body) {
      const started = await call("POST", "/publish", body);
      expect(started.status, started.text).toBe(202);
      const { id } = Job.parse((started.body as { job: unknown }).job);
      for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
        const job = Job.parse(((await call("GET", `/jobs/${id}`)).body as { job: unknown }).job);
        if (finishedStates.includes(job.state)) return job;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`job ${id} did not finish within 60 s`);
    },
    async jobs() {
      return JobList.parse((await call("GET", "/jobs")).body).jobs;
    },
    async stop() {
      await server.close();
      await wiring.close();
      rmSync(ctx.config.stateDir, { recursive: true, force: true });
      rmSync(toolDir, { recursive: true, force: true });
    },
  };
}

/** A Hub test server with `models`, a real registry and the backend publishing between them; `stop` ends all three. */
export interface PublishStack {
  hub: HubServer;
  registry: RunningRegistry;
  backend: PublishBackend;
  stop(): Promise<void>;
}

export async function startPublishStack(models: HubModelSpec[]): Promise<PublishStack> {
  const hub = await startHubServer({ models });
  const registry = await startRegistry().catch(async (err: unknown) => {
    await hub.stop();
    throw err;
  });
  const backend = await startPublishBackend({ hubUrl: hub.url }).catch(async (err: unknown) => {
    await registry.stop();
    await hub.stop();
    throw err;
  });
  return {
    hub,
    registry,
    backend,
    async stop() {
      await backend.stop();
      await registry.stop();
      await hub.stop();
    },
  };
}
