import { z } from "zod";
import { BuilderName } from "./builders.js";
import { ManifestReport } from "./manifest.js";
import { parseReference, ReferenceString } from "./reference.js";
import { ExcludePattern, parseSource, SourceString } from "./source.js";

export const PublishTarget = z.enum(["modelpack", "generic"]);
export type PublishTarget = z.infer<typeof PublishTarget>;

/** direct: a passthrough builder pushes; export: a builder writes the layout and the backend pushes it; native: no BuildKit. */
export const PublishMode = z.enum(["direct", "export", "native"]);
export type PublishMode = z.infer<typeof PublishMode>;

export const LayerPackaging = z.enum(["raw", "tar", "tar+gzip", "tar+zstd"]);
export type LayerPackaging = z.infer<typeof LayerPackaging>;

/** AIKit inserts `name` into a shell script unescaped, so it is kept to this alphabet. */
export const ArtifactName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "a name is lowercase letters, digits, . _ - and starts with a letter or digit");

/** A GGUF variant's name as `GET /models/{ns}/{name}` answers it in `quantizations` (`Q4_K_M`, `UD-Q4_K_XL`…). */
export const QuantizationName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/+-]*$/, "a quantization is named as the model answers it, e.g. Q4_K_M");

/** At most this many targets in one publish. */
export const maxPublishTargets = 8;

/** `POST /publish`. */
export const PublishRequest = z
  .strictObject({
    source: SourceString,
    /** Where it goes (or `references`, never both). */
    reference: ReferenceString.optional(),
    /** Several targets published from one download (1–8, distinct), in place of `reference`. */
    references: z.array(ReferenceString).min(1).max(maxPublishTargets).optional(),
    /** The one GGUF variant to publish (with the repo's mmproj and non-GGUF files). */
    quantization: QuantizationName.optional(),
    target: PublishTarget.default("modelpack"),
    /** Chosen by the backend when left out: direct with a passthrough builder, else native. */
    mode: PublishMode.optional(),
    name: ArtifactName.optional(),
    layerPackaging: LayerPackaging.optional(),
    exclude: z.array(ExcludePattern).max(100).optional(),
    builder: BuilderName.optional(),
    frontendImage: ReferenceString.optional(),
    /** Plain HTTP; automatic for localhost and 127.0.0.1. */
    insecureRegistry: z.boolean().optional(),
  })
  .superRefine((request, ctx) => {
    checkTargets(request, ctx);
    // AIKit applies exclude to whole Hugging Face repos only.
    const source = parseSource(request.source);
    if (request.exclude && request.exclude.length > 0 && source.ok) {
      if (source.value.kind !== "huggingface" || source.value.file !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["exclude"],
          message:
            "exclude applies to whole Hugging Face repositories only, not to a single file or an https:// source",
        });
      }
    }
    // A variant is chosen among a whole repo's files.
    if (request.quantization !== undefined && source.ok) {
      if (source.value.kind !== "huggingface" || source.value.file !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["quantization"],
          message:
            "quantization chooses among a whole Hugging Face repository's files, not a single file or an https:// source",
        });
      }
    }
  })
  // Every reader gets `reference` (the first target) whichever field the client used.
  .transform((request) => ({ ...request, reference: request.reference ?? (request.references?.[0] as string) }));
/** What a client sends (defaults not yet applied). */
export type PublishRequestInput = z.input<typeof PublishRequest>;
export type PublishRequest = z.infer<typeof PublishRequest>;

/** Every target of a request, in order: `references`, or the one `reference`. */
export function publishTargets(request: Pick<PublishRequest, "reference" | "references">): string[] {
  return request.references ?? [request.reference];
}

type TargetFields = { reference?: string | undefined; references?: string[] | undefined };

/** Exactly one of `reference` and `references`; distinct targets; each a tag, never a digest alone. */
function checkTargets(request: TargetFields, ctx: z.RefinementCtx): void {
  if (request.reference !== undefined && request.references !== undefined) {
    ctx.addIssue({ code: "custom", path: ["references"], message: "give reference or references, not both" });
    return;
  }
  if (request.reference === undefined && request.references === undefined) {
    ctx.addIssue({ code: "custom", path: ["reference"], message: "a reference to publish to is required" });
    return;
  }
  const targets = request.references ?? [request.reference as string];
  const seen = new Set<string>();
  targets.forEach((target, index) => {
    const path = request.references ? ["references", index] : ["reference"];
    if (seen.has(target)) ctx.addIssue({ code: "custom", path, message: "the references must be distinct" });
    seen.add(target);
    // Where it goes is a tag: a digest alone names what exists, it cannot be pushed to.
    const reference = parseReference(target);
    if (reference.ok && !reference.value.tag) {
      ctx.addIssue({
        code: "custom",
        path,
        message: "the reference needs a tag to publish to (registry/repository:tag)",
        params: { code: "invalid_reference" },
      });
    }
  });
}

export const JobState = z.enum(["queued", "running", "succeeded", "failed", "canceled", "interrupted"]);
export type JobState = z.infer<typeof JobState>;
export const finishedStates: readonly JobState[] = ["succeeded", "failed", "canceled", "interrupted"];

export const JobProgress = z.object({
  /** `queued`, `resolving`, `building`, `pushing`, `verifying`, `done`… */
  phase: z.string(),
  bytesDone: z.number().optional(),
  bytesTotal: z.number().optional(),
  /** Bytes per second over the last few seconds. */
  rate: z.number().optional(),
  etaSeconds: z.number().optional(),
  /** The step running now. */
  step: z.string().optional(),
  stepsDone: z.number().optional(),
  stepsTotal: z.number().optional(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const JobError = z.object({
  code: z.string(),
  message: z.string(),
  /** Facts a client acts on; a `partial_publish` names the references that failed (`failedReferences`). */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type JobError = z.infer<typeof JobError>;

/** How one target of a several-target publish ended. */
export const TargetResult = z.object({
  reference: z.string(),
  state: z.enum(["succeeded", "failed"]),
  digest: z.string().optional(),
  error: JobError.optional(),
});
export type TargetResult = z.infer<typeof TargetResult>;

export const JobResult = z.object({
  reference: z.string(),
  digest: z.string(),
  mediaType: z.string(),
  artifactType: z.string().optional(),
  totalSize: z.number(),
  /** The argv of the buildx call, secrets absent. */
  command: z.array(z.string()).optional(),
  /** What the registry holds under the reference after the publish (as `GET /manifest` answers it). */
  manifest: ManifestReport.optional(),
  /** One entry per target of a `references` publish, in the request's order. */
  references: z.array(TargetResult).optional(),
});
export type JobResult = z.infer<typeof JobResult>;

export const Job = z.object({
  id: z.string(),
  state: JobState,
  /** As sent (the backend answers the fields the client gave; parsing with this schema fills the defaults in). */
  request: PublishRequest,
  /** The mode the job runs in (the request's, or the one chosen for it). */
  mode: PublishMode.optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  progress: JobProgress,
  error: JobError.optional(),
  result: JobResult.optional(),
});
export type Job = z.infer<typeof Job>;

export const StepStatus = z.enum(["started", "completed", "cached", "skipped", "errored"]);
export type StepStatus = z.infer<typeof StepStatus>;

const eventBase = { seq: z.number().int(), at: z.string() };

/** One fact about a job; every view folds these. */
export const JobEvent = z.discriminatedUnion("type", [
  z.object({ ...eventBase, type: z.literal("state"), state: JobState }),
  z.object({
    ...eventBase,
    type: z.literal("step"),
    /** A BuildKit vertex digest or a native phase id. */
    id: z.string(),
    name: z.string(),
    status: StepStatus,
    error: z.string().optional(),
    /** The target this step is about, in a several-target publish. */
    target: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("bytes"),
    /** The file or blob this counts. */
    id: z.string(),
    name: z.string().optional(),
    done: z.number(),
    total: z.number().optional(),
    /** `downloading`, `uploading`, `verified`, `skipped`… */
    status: z.string().optional(),
    /** The target these bytes go to, in a several-target publish (absent: the download, or the only target). */
    target: z.string().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal("log"),
    line: z.string(),
    stream: z.enum(["stdout", "stderr", "backend"]).optional(),
    step: z.string().optional(),
  }),
  z.object({ ...eventBase, type: z.literal("result"), result: JobResult }),
]);
export type JobEvent = z.infer<typeof JobEvent>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before the store numbers and stamps it. */
export type NewJobEvent = DistributiveOmit<JobEvent, "seq" | "at">;

export const PublishResponse = z.object({ job: Job });
export const JobResponse = z.object({ job: Job });
export const JobList = z.object({ jobs: z.array(Job) });

export const JobListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** A job id: answers jobs created before it. */
  before: z.string().max(64).optional(),
});

export const JobEventsQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
  /** Seconds to wait for new events (long poll); 0 answers at once. At most 25. */
  wait: z.coerce.number().min(0).max(25).default(0),
});

export const JobEventsResponse = z.object({
  events: z.array(JobEvent),
  /** Pass as `after` next time. */
  next: z.number().int(),
  /** The job has finished and every event was answered. */
  done: z.boolean(),
});
export type JobEventsResponse = z.infer<typeof JobEventsResponse>;
