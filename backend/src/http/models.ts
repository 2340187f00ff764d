import { Router } from "express";
import { ModelDetailsQuery, ModelId, ModelSearchQuery } from "@model-publisher/contract";
import type { HubService } from "../hub/hub-service.js";
import { parseInput, parseQuery } from "./validate.js";

/** The model id from the raw path, each segment decoded on its own: an encoded `/` stays inside its part, invalid. */
function modelIdFromPath(rawPath: string): string {
  return rawPath
    .replace(/^\/models\//, "")
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment).replaceAll("/", "%2F");
      } catch {
        return segment;
      }
    })
    .join("/");
}

/** `GET /models` (search) and `GET /models/{namespace}/{name}` (details); ids are checked before any Hub call. */
export function modelsRoutes(hub: HubService): Router {
  const router = Router();
  router.get("/models", async (req, res) => {
    const query = parseQuery(ModelSearchQuery, req.query, "search");
    res.json(await hub.search(query));
  });
  router.get(/^\/models\/(.+)$/, async (req, res) => {
    const id = parseInput(ModelId, modelIdFromPath(req.path), "model id");
    const { revision } = parseQuery(ModelDetailsQuery, req.query, "query");
    res.json(await hub.details(id, revision));
  });
  return router;
}
