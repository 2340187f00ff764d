import { z } from "zod";
import { ReferenceString } from "./reference.js";

export const ManifestQuery = z.strictObject({ reference: ReferenceString });

export const ManifestLayer = z.object({
  digest: z.string(),
  size: z.number(),
  mediaType: z.string(),
  /** From `org.cncf.model.filepath`, else `org.opencontainers.image.title`. */
  path: z.string().optional(),
  annotations: z.record(z.string(), z.string()),
});
export type ManifestLayer = z.infer<typeof ManifestLayer>;

/** `GET /manifest?reference=`. */
export const ManifestReport = z.object({
  reference: z.string(),
  digest: z.string(),
  mediaType: z.string(),
  artifactType: z.string().optional(),
  /** Size of the manifest bytes. */
  size: z.number(),
  /** The manifest JSON exactly as pushed. */
  manifest: z.record(z.string(), z.unknown()),
  /** The parsed config blob, when it is JSON. */
  config: z.unknown().optional(),
  layers: z.array(ManifestLayer),
  /** Sum of the layer sizes. */
  totalSize: z.number(),
  pullCommands: z.object({
    oras: z.string(),
    skopeo: z.string(),
    aikit: z.string().optional(),
    /** `docker model pull <reference>`, for ModelPack artifacts (Docker Model Runner). */
    dockerModel: z.string().optional(),
  }),
});
export type ManifestReport = z.infer<typeof ManifestReport>;

/** `POST /manifest/compare`. */
export const CompareRequest = z.strictObject({ left: ReferenceString, right: ReferenceString });
export type CompareRequest = z.infer<typeof CompareRequest>;

export const CompareResponse = z.object({
  identical: z.boolean(),
  /** JSON-pointer paths into the two manifests. */
  differences: z.array(z.object({ path: z.string(), left: z.unknown().optional(), right: z.unknown().optional() })),
});
export type CompareResponse = z.infer<typeof CompareResponse>;
