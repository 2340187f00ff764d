import { z } from "zod";

/** `GET /health`. */
export const HealthResponse = z.object({
  ok: z.literal(true),
  /** The backend's own version. */
  version: z.string(),
  docker: z.object({
    /** A docker CLI answered `docker version`. */
    available: z.boolean(),
    /** The client version it reported. */
    version: z.string().optional(),
    /** The buildx plugin version, absent when the plugin is missing. */
    buildx: z.string().optional(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
