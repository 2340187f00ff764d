import { Router } from "express";
import { RegistryLoginRequest } from "@model-publisher/contract";
import type { Logger } from "../log.js";
import { loginToRegistry } from "../registry/login.js";
import type { RegistryClient } from "../registry/registry-client.js";
import { parseInput } from "./validate.js";

/** `POST /registries/login`: 204 once the registry accepted the credentials and they are stored. */
export function registriesRoutes(client: RegistryClient, options: { dockerBin: string; logger: Logger }): Router {
  const router = Router();
  router.post("/registries/login", async (req, res) => {
    const request = parseInput(RegistryLoginRequest, req.body);
    try {
      const store = await loginToRegistry(client, request, { dockerBin: options.dockerBin });
      options.logger.info({ host: request.host, username: request.username, store }, "registry login stored");
      res.status(204).end();
    } catch (err) {
      options.logger.info({ host: request.host, username: request.username }, "registry login refused");
      throw err;
    }
  });
  return router;
}
