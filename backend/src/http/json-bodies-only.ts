import type { RequestHandler } from "express";
import { envelope } from "./errors.js";

/** Every body of the API is JSON: a body of another type answers 415 rather than being read as absent. */
export const jsonBodiesOnly: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers["content-length"] ?? "0") > 0 || req.headers["transfer-encoding"] !== undefined;
  if (hasBody && req.headers["content-type"] !== undefined && !req.is(["application/json", "+json"])) {
    res
      .status(415)
      .json(envelope("unsupported_media_type", "The request body must be JSON (Content-Type: application/json)."));
    return;
  }
  next();
};
