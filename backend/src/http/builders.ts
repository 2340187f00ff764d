import { Router } from "express";
import { CreateBuilderRequest, type BuildersResponse } from "@model-publisher/contract";
import { BuildxError, type BuilderService } from "../buildx/builders.js";
import { ApiError } from "./errors.js";
import { parseInput } from "./validate.js";

function asApiError(err: unknown): unknown {
  return err instanceof BuildxError ? new ApiError(err.code, err.message) : err;
}

/** `GET /builders`, `POST /builders`. */
export function builderRoutes(builders: BuilderService, frontendImage: string): Router {
  const router = Router();
  router.get("/builders", async (_req, res) => {
    const list = await builders.list().catch((err: unknown) => {
      throw asApiError(err);
    });
    const body: BuildersResponse = { builders: list, frontendImage };
    res.json(body);
  });
  router.post("/builders", async (req, res) => {
    const request = parseInput(CreateBuilderRequest, req.body);
    const builder = await builders.create(request).catch((err: unknown) => {
      throw asApiError(err);
    });
    res.status(201).json({ builder });
  });
  return router;
}
