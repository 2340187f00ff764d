import { Router } from "express";
import type { HealthResponse } from "@model-publisher/contract";
import { probeDocker, type DockerAvailability } from "../buildx/docker-cli.js";
import type { AppContext } from "../context.js";

/** `GET /health`; the docker probe is cached briefly so polling UIs do not spawn a process per call. */
export function healthRoutes(ctx: AppContext): Router {
  const router = Router();
  let cached: { at: number; value: Promise<DockerAvailability> } | undefined;
  router.get("/health", async (_req, res) => {
    if (!cached || Date.now() - cached.at > 10_000) {
      cached = { at: Date.now(), value: probeDocker(ctx.config.dockerBin) };
    }
    const body: HealthResponse = { ok: true, version: ctx.config.version, docker: await cached.value };
    res.json(body);
  });
  return router;
}
