import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BuildersResponse, CreateBuilderResponse, ErrorEnvelope, PublishResponse } from "@model-publisher/contract";
import { BuilderService } from "../../backend/src/buildx/builders.js";
import { createPublishServices } from "../../backend/src/core-services.js";
import { startServer } from "../../backend/src/server.js";
import { callApi } from "../harness/api-call.js";
import { testContext } from "../harness/app-context.js";
import { standinDocker } from "../harness/buildx-publish.js";

// The stand-in remembers created builders here (each test file runs in its own worker).
process.env.STANDIN_STATE_DIR = mkdtempSync(join(tmpdir(), "standin-builders-"));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { noBuildx?: boolean } = {}) {
  const { ctx } = testContext({ DOCKER_BIN: standinDocker });
  const wiring = createPublishServices({ config: ctx.config, logger: ctx.logger, hfToken: ctx.hfToken });
  ctx.publish = wiring.publish;
  ctx.builders = options.noBuildx
    ? new BuilderService({
        dockerBin: standinDocker,
        passthroughImage: ctx.config.passthroughImage,
        env: { STANDIN_NO_BUILDX: "1" },
      })
    : wiring.builders;
  const server = await startServer(ctx);
  cleanups.push(() => wiring.close());
  cleanups.push(() => server.close());
  return (method: string, path: string, body?: unknown) => callApi(server.address, method, path, body);
}

describe("builders", () => {
  it("lists, creates a passthrough builder by default, and refuses duplicates and bad names", async () => {
    const call = await start();
    const before = BuildersResponse.parse((await call("GET", "/builders")).body);
    expect(before.builders).toEqual([
      {
        name: "default",
        driver: "docker",
        origin: "backend",
        status: "running",
        endpoint: "default",
        current: true,
        passthrough: false,
      },
    ]);
    expect(before.frontendImage).toMatch(/aikit/);

    const created = await call("POST", "/builders", { name: "mp-passthrough" });
    expect(created.status).toBe(201);
    expect(CreateBuilderResponse.parse(created.body).builder).toMatchObject({
      name: "mp-passthrough",
      driver: "docker-container",
      status: "running",
      image: "sozercan/buildkit:oci-layout-passthrough",
      passthrough: true,
    });
    const stock = await call("POST", "/builders", { name: "mp-stock", image: "moby/buildkit:buildx-stable-1" });
    expect(CreateBuilderResponse.parse(stock.body).builder.passthrough).toBe(false);

    const after = BuildersResponse.parse((await call("GET", "/builders")).body);
    expect(after.builders.map((b) => b.name)).toEqual(["default", "mp-passthrough", "mp-stock"]);

    for (const [body, code] of [
      [{ name: "mp-passthrough" }, "invalid_request"],
      [{ name: "bad name" }, "invalid_request"],
      [{ name: "x", image: "moby/buildkit,network=host" }, "invalid_request"],
      [{ name: "x", driver: "kubernetes" }, "invalid_request"],
    ] as const) {
      const res = await call("POST", "/builders", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorEnvelope.parse(res.body).error.code).toBe(code);
    }
  });

  it("publish picks direct on a passthrough builder and answers builder_not_found for an unknown one", async () => {
    const call = await start();
    await call("POST", "/builders", { name: "mp-direct" });
    const body = { source: "huggingface://acme/tiny", reference: "127.0.0.1:1/acme/tiny:1" };
    const direct = await call("POST", "/publish", { ...body, builder: "mp-direct" });
    expect(direct.status).toBe(202);
    expect(PublishResponse.parse(direct.body).job.mode).toBe("direct");
    const stock = await call("POST", "/publish", { ...body, builder: "default" });
    expect(PublishResponse.parse(stock.body).job.mode).toBe("export");
    const missing = await call("POST", "/publish", { ...body, builder: "nope", mode: "export" });
    expect(missing.status).toBe(404);
    expect(ErrorEnvelope.parse(missing.body).error.code).toBe("builder_not_found");
  });

  it("answers buildx_unavailable (503) without the buildx plugin", async () => {
    const call = await start({ noBuildx: true });
    const res = await call("GET", "/builders");
    expect(res.status).toBe(503);
    expect(ErrorEnvelope.parse(res.body).error.code).toBe("buildx_unavailable");
  });
});
