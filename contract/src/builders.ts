import { z } from "zod";

/** A buildx builder name as buildx accepts it. */
export const BuilderName = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/, "a builder name is letters, digits, _ . - and starts with a letter or digit");

/**
 * Where a builder comes from: `backend`, the backend's own buildx; `engine`, a builder container the Docker engine
 * runs (`buildx_buildkit_<builder>0`, a host's docker-container builder), attached through the remote driver on use.
 */
export const BuilderOrigin = z.enum(["backend", "engine"]);
export type BuilderOrigin = z.infer<typeof BuilderOrigin>;

export const Builder = z.object({
  name: z.string(),
  driver: z.string(),
  /** `running`, `inactive`, `stopped` or `error`, as buildx reports it. */
  status: z.string(),
  endpoint: z.string().optional(),
  /** The BuildKit image of a docker-container builder. */
  image: z.string().optional(),
  current: z.boolean(),
  /** Absent from backends older than engine builders; they listed their own only. */
  origin: BuilderOrigin.optional(),
  /** True when the builder runs the passthrough BuildKit (`sozercan/buildkit:oci-layout-passthrough`), so direct push works. */
  passthrough: z.boolean().optional(),
  /** Why the builder is in error, when it is. */
  error: z.string().optional(),
});
export type Builder = z.infer<typeof Builder>;

/** `GET /builders`. */
export const BuildersResponse = z.object({
  builders: z.array(Builder),
  frontendImage: z.string(),
});
export type BuildersResponse = z.infer<typeof BuildersResponse>;

/** `POST /builders`. */
export const CreateBuilderRequest = z.strictObject({
  name: BuilderName,
  image: z.string().max(512).optional(),
  driver: z.literal("docker-container").optional(),
});
export type CreateBuilderRequest = z.infer<typeof CreateBuilderRequest>;

export const CreateBuilderResponse = z.object({ builder: Builder });
