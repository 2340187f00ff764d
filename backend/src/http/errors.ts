import type { ErrorRequestHandler, RequestHandler } from "express";
import type { ErrorEnvelope } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { Logger } from "../log.js";

export function envelope(code: string, message: string, details?: Record<string, unknown>): ErrorEnvelope {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export const notFound: RequestHandler = (req, res) => {
  res.status(404).json(envelope("not_found", `No route for ${req.method} ${req.path}.`));
};

function bodyParserError(err: unknown): { status: number; type: string } | undefined {
  if (err && typeof err === "object" && "type" in err && "status" in err) {
    const { type, status } = err as { type: unknown; status: unknown };
    if (typeof type === "string" && typeof status === "number") return { status, type };
  }
  return undefined;
}

/** The one place an error becomes an answer: known codes as they are, everything else as `internal` without a stack. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof ContractError) {
      // A wait the error knows travels as HTTP's own Retry-After too (429, 503).
      const wait = err.details?.retryAfterSeconds;
      if (typeof wait === "number" && Number.isFinite(wait) && wait >= 0)
        res.setHeader("retry-after", String(Math.ceil(wait)));
      res.status(err.status).json(envelope(err.code, err.message, err.details));
      return;
    }
    const parser = bodyParserError(err);
    if (parser?.type === "entity.too.large") {
      res.status(413).json(envelope("payload_too_large", "The request body is larger than the backend accepts."));
      return;
    }
    if (parser?.type === "entity.parse.failed") {
      res.status(400).json(envelope("invalid_request", "The request body is not valid JSON."));
      return;
    }
    if (parser && parser.status >= 400 && parser.status < 500) {
      res.status(parser.status).json(envelope("invalid_request", "The request body could not be read."));
      return;
    }
    // The router marks a path it cannot percent-decode with status 400 (a URIError, no body-parser type).
    if (err instanceof URIError && (err as URIError & { status?: unknown }).status === 400) {
      res.status(400).json(envelope("invalid_request", "The request path is not valid percent-encoding."));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, "request failed");
    res.status(500).json(envelope("internal", "The backend hit an unexpected error; see its log for details."));
  };
}
