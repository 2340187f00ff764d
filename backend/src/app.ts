import express, { type Express } from "express";
import type { AppContext } from "./context.js";
import { errorHandler, notFound } from "./http/errors.js";
import { jsonBodiesOnly } from "./http/json-bodies-only.js";
import { localOnly } from "./http/local-only.js";
import { healthRoutes } from "./http/health.js";
import { settingsRoutes } from "./http/settings.js";
import { jobRoutes } from "./http/jobs.js";
import { builderRoutes } from "./http/builders.js";
import { modelsRoutes } from "./http/models.js";
import { manifestRoutes } from "./http/manifest.js";
import { registriesRoutes } from "./http/registries.js";

/** Largest JSON body the API accepts; every request of the contract fits in a fraction of it. */
export const bodyLimitBytes = 256 * 1024;

/** Builds the HTTP app without listening, so tests drive it directly. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  // Standalone mode listens on TCP: refuse other hosts and origins (DNS rebinding). A unix socket has no such callers.
  if (!ctx.config.socket) app.use(localOnly);
  app.use(jsonBodiesOnly);
  app.use(express.json({ limit: bodyLimitBytes }));
  app.use(healthRoutes(ctx));
  app.use(settingsRoutes(ctx));
  if (ctx.publish) app.use(jobRoutes(ctx.publish));
  if (ctx.builders) app.use(builderRoutes(ctx.builders, ctx.config.frontendImage));
  if (ctx.hub) app.use(modelsRoutes(ctx.hub));
  if (ctx.registry) {
    app.use(manifestRoutes(ctx.registry));
    app.use(registriesRoutes(ctx.registry, { dockerBin: ctx.config.dockerBin, logger: ctx.logger }));
  }
  if (ctx.config.uiDir) app.use(express.static(ctx.config.uiDir, { index: "index.html" }));
  app.use(notFound);
  app.use(errorHandler(ctx.logger));
  return app;
}
