import { z } from "zod";

/** A Hub repo id part: letters, digits, `.`, `_`, `-`, not starting with `.` or `-`, no `..`. */
const idPartRe = /^(?!.*\.\.)[A-Za-z0-9_][A-Za-z0-9._-]{0,95}$/;

/** Checks one `namespace` or `name` part of a Hub model id. */
export function checkModelIdPart(part: string): string | undefined {
  if (!idPartRe.test(part)) return `"${part}" is not a valid Hugging Face namespace or name`;
  return undefined;
}

/** A Hub model id, `namespace/name`. */
export const ModelId = z
  .string()
  .max(200)
  .superRefine((value, ctx) => {
    const parts = value.split("/");
    if (parts.length !== 2) {
      ctx.addIssue({ code: "custom", message: "a model id is namespace/name" });
      return;
    }
    for (const part of parts) {
      const problem = checkModelIdPart(part);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }
  });

/** A branch, tag, commit sha or `refs/pr/N` / `refs/convert/…`. */
export const Revision = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^(?!.*\.\.)(?:refs\/(?:pr|convert)\/)?[A-Za-z0-9_][A-Za-z0-9._-]*$/,
    "a revision is a branch, tag or commit (letters, digits, . _ -)",
  );

export const Gated = z.union([z.literal(false), z.literal("auto"), z.literal("manual")]);
export type Gated = z.infer<typeof Gated>;

/** `GET /models` query. */
export const ModelSearchQuery = z.strictObject({
  search: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  sort: z.enum(["downloads", "likes", "lastModified"]).default("downloads"),
  cursor: z.string().max(2048).optional(),
});
export type ModelSearchQuery = z.infer<typeof ModelSearchQuery>;

export const ModelSummary = z.object({
  id: z.string(),
  author: z.string(),
  downloads: z.number(),
  likes: z.number(),
  /** ISO 8601. */
  lastModified: z.string(),
  pipelineTag: z.string().optional(),
  libraryName: z.string().optional(),
  license: z.string().optional(),
  gated: Gated,
  private: z.boolean(),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

export const ModelList = z.object({
  models: z.array(ModelSummary),
  /** Opaque; pass back as `cursor` for the next page. */
  nextCursor: z.string().optional(),
});
export type ModelList = z.infer<typeof ModelList>;

/** AIKit's file classes (SPEC.md › Output). */
export const FileKind = z.enum(["weight", "weight.config", "doc", "code", "dataset"]);
export type FileKind = z.infer<typeof FileKind>;

export const ModelFile = z.object({
  /** Path inside the repo, `/`-separated. */
  path: z.string(),
  size: z.number(),
  /** The LFS oid; absent for small files kept in git. */
  sha256: z.string().optional(),
  kind: FileKind,
});
export type ModelFile = z.infer<typeof ModelFile>;

/** One GGUF variant of a repo: the file, or the shards of one file, that make one weight set. */
export const Quantization = z.object({
  /** As the file names say, upper-case (`Q4_K_M`, `UD-Q4_K_XL`, `BF16`); a file naming none gives its stem. */
  name: z.string(),
  /** Repo paths of the variant's files, shards in order. */
  files: z.array(z.string()),
  /** Bytes of all its files. */
  size: z.number(),
});
export type Quantization = z.infer<typeof Quantization>;

/** `GET /models/{namespace}/{name}?revision=`. */
export const ModelDetails = z.object({
  id: z.string(),
  /** The revision asked for. */
  revision: z.string(),
  /** The commit it resolved to. */
  sha: z.string(),
  gated: Gated,
  private: z.boolean(),
  license: z.string().optional(),
  pipelineTag: z.string().optional(),
  libraryName: z.string().optional(),
  /** Parameter count from safetensors or gguf metadata. */
  parameters: z.number().optional(),
  files: z.array(ModelFile),
  totalSize: z.number(),
  /** The repo's GGUF variants, smallest first; `mmproj-*` projectors are none. `[]` without GGUF files. */
  quantizations: z.array(Quantization),
});
export type ModelDetails = z.infer<typeof ModelDetails>;

/** `GET /models/{namespace}/{name}` query. */
export const ModelDetailsQuery = z.strictObject({ revision: Revision.default("main") });
