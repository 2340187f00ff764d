import { z } from "zod";

/** Stable error codes of the backend contract (API.md › Errors). Extend, never rename. */
export const errorCodes = [
  "invalid_request",
  "not_found",
  "model_not_found",
  "gated_model",
  "hub_unreachable",
  "hub_rate_limited",
  "invalid_reference",
  "registry_unauthorized",
  "registry_denied",
  "registry_unreachable",
  "registry_error",
  "manifest_not_found",
  "builder_not_found",
  "builder_error",
  "buildx_unavailable",
  "build_failed",
  "job_not_found",
  "job_not_cancelable",
  "builder_not_passthrough",
  "integrity_error",
  "unsafe_file_path",
  "payload_too_large",
  "unsupported_media_type",
  "forbidden_origin",
  "canceled",
  "interrupted",
  "timeout",
  "partial_publish",
  "internal",
] as const;

export const ErrorCode = z.enum(errorCodes);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** The body of every non-2xx answer. */
export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.string(),
    /** One sentence a person can act on. */
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

/** HTTP status that goes with each code when it is answered directly (job-only codes answer 500 if ever thrown). */
export const errorStatus: Record<ErrorCode, number> = {
  invalid_request: 400,
  not_found: 404,
  model_not_found: 404,
  gated_model: 403,
  hub_unreachable: 502,
  hub_rate_limited: 429,
  invalid_reference: 400,
  registry_unauthorized: 401,
  registry_denied: 403,
  registry_unreachable: 502,
  registry_error: 502,
  manifest_not_found: 404,
  builder_not_found: 404,
  builder_error: 502,
  buildx_unavailable: 503,
  build_failed: 500,
  job_not_found: 404,
  job_not_cancelable: 409,
  builder_not_passthrough: 500,
  integrity_error: 500,
  unsafe_file_path: 502,
  payload_too_large: 413,
  unsupported_media_type: 415,
  forbidden_origin: 403,
  canceled: 409,
  interrupted: 500,
  timeout: 504,
  partial_publish: 502,
  internal: 500,
};
