import { finishedStates, publishTargets, type Job, type JobError, type JobResult } from "./publish.js";
import type { JobFold } from "./progress.js";

/** Where one target of a publish stands: `stopped` when the job ended without saying how this target did. */
export type TargetState = "queued" | "running" | "succeeded" | "failed" | "stopped";

/** One target of a several-target publish, as the progress page and the CLI show it. */
export interface TargetRow {
  reference: string;
  state: TargetState;
  /** Bytes this target holds so far, from the bytes events that name it. */
  done: number;
  /** What it will hold: the job's files, each once; absent while a size is unknown. */
  total?: number;
  /** Its step running now. */
  step?: string;
  /** Its digest, once the job's result says it. */
  digest?: string;
  /** Why it failed: the result's error, else the message of its step that errored. */
  error?: JobError | { message: string };
}

type JobSide = Pick<Job, "request" | "state"> & { result?: JobResult | undefined };

/** One row per target of the request, in its order, from the job's result when there is one, else from the fold. */
export function targetRows(job: JobSide, fold: JobFold): TargetRow[] {
  const result = job.result ?? fold.result;
  const steps = [...fold.steps.values()];
  const total = targetTotal(fold);
  return publishTargets(job.request).map((reference) => {
    const own = steps.filter((step) => step.target === reference);
    const ownFiles = [...fold.targetFiles.values()].filter((file) => file.target === reference);
    const outcome = result?.references?.find((entry) => entry.reference === reference);
    const errored = own.find((step) => step.status === "errored");
    const running = own.filter((step) => step.status === "started").sort((a, b) => b.order - a.order)[0];
    const error = outcome?.error ?? (errored ? { message: errored.error ?? `${errored.name} failed` } : undefined);
    const state = targetState(job.state, outcome?.state, errored !== undefined, own.length + ownFiles.length > 0);
    const held = ownFiles.reduce((sum, file) => sum + file.done, 0);
    const row: TargetRow = {
      reference,
      state,
      // A target the builder pushed itself (direct mode's first) reports no bytes of its own: done is done.
      done: state === "succeeded" && total !== undefined ? Math.max(held, total) : held,
      ...(total !== undefined ? { total } : {}),
      ...(running && job.state === "running" ? { step: running.name } : {}),
      ...(outcome?.digest ? { digest: outcome.digest } : {}),
      ...(error ? { error } : {}),
    };
    return row;
  });
}

/**
 * What each target holds in the end: every file the targets report on, each once. Not the job's bytes total, which
 * also counts a build's own downloads (export and direct modes). Undefined until a target reports a file, or while a
 * size is unknown.
 */
function targetTotal(fold: JobFold): number | undefined {
  const totals = new Map<string, number | undefined>();
  for (const file of fold.targetFiles.values()) totals.set(file.id, file.total ?? totals.get(file.id));
  if (totals.size === 0) return undefined;
  let sum = 0;
  for (const size of totals.values()) {
    if (size === undefined) return undefined;
    sum += size;
  }
  return sum;
}

function targetState(
  job: Job["state"],
  outcome: "succeeded" | "failed" | undefined,
  errored: boolean,
  started: boolean,
): TargetState {
  if (outcome) return outcome;
  if (errored) return "failed";
  // The job succeeds only when every target does.
  if (job === "succeeded") return "succeeded";
  if (finishedStates.includes(job)) return "stopped";
  return started ? "running" : "queued";
}
