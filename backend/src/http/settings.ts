import { Router } from "express";
import { HfTokenRequest, type SettingsResponse } from "@model-publisher/contract";
import type { AppContext } from "../context.js";
import { parseInput } from "./validate.js";

/** `GET /settings`, `PUT|DELETE /settings/hf-token`: secrets go in, only `set`/`unset` comes out. */
export function settingsRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get("/settings", async (_req, res) => {
    const token = await ctx.hfToken.get();
    const body: SettingsResponse = {
      hfToken: token ? "set" : "unset",
      hfEndpoint: ctx.config.hfEndpoint,
      frontendImage: ctx.config.frontendImage,
      ...(ctx.defaultBuilder ? { defaultBuilder: ctx.defaultBuilder() } : {}),
      registries: await ctx.registryLogins(),
    };
    res.json(body);
  });
  router.put("/settings/hf-token", async (req, res) => {
    const { token } = parseInput(HfTokenRequest, req.body);
    await ctx.hfToken.set(token);
    ctx.logger.info("hub token stored");
    res.status(204).end();
  });
  router.delete("/settings/hf-token", async (_req, res) => {
    await ctx.hfToken.clear();
    ctx.logger.info("hub token cleared");
    res.status(204).end();
  });
  return router;
}
