import { Router } from "express";
import { CreateBuilderRequest, type BuildersResponse } from "@model-publisher/contract";
import type { BuilderService } from "../buildx/builders.js";
import { parseInput } from "./validate.js";

/** `GET /builders`, `POST /builders`. */
export function builderRoutes(builders: BuilderService, frontendImage: string): Router {
  const router = Router();
  router.get("/builders", async (_req, res) => {
    const list = await builders.list();
    const body: BuildersResponse = { builders: list, frontendImage };
    res.json(body);
  });
  router.post("/builders", async (req, res) => {
    const request = parseInput(CreateBuilderRequest, req.body);
    const builder = await builders.create(request);
    res.status(201).json({ builder });
  });
  return router;
}
