import type { JobError, JobResult, TargetResult } from "@model-publisher/contract";
import { ContractError } from "../errors.js";

/** How one target of a publish ended: its digest when published, its failure otherwise. */
export interface TargetOutcome {
  /** The target's reference as the request gives it. */
  reference: string;
  digest?: string;
  failure?: unknown;
}

/**
 * A several-target publish in which some targets failed: the job fails with `partial_publish`, and still records
 * `result` (every target's outcome, in request order).
 */
export class PartialPublishError extends ContractError {
  constructor(
    readonly result: JobResult,
    failed: Array<{ reference: string; error: JobError }>,
  ) {
    const total = result.references?.length ?? failed.length;
    super(
      "partial_publish",
      `Published to ${total - failed.length} of ${total} targets; failed: ` +
        failed.map((target) => `${target.reference} (${target.error.message})`).join("; "),
      { failedReferences: failed.map((target) => target.reference) },
    );
    this.name = "PartialPublishError";
  }
}

/** A failure as a target's error: a contract code and message, or `internal` for anything unexpected. */
export function targetError(failure: unknown): JobError {
  if (failure instanceof ContractError) return { code: failure.code, message: failure.message };
  return { code: "internal", message: "The backend hit an unexpected error; see its log for details." };
}

/**
 * The job's result from its targets' outcomes. `listed` (the request named `references`) adds `references`; a single
 * `reference` publish answers as it always has. Throws `PartialPublishError` when a target failed.
 */
export function settleTargets(base: JobResult, outcomes: readonly TargetOutcome[], listed: boolean): JobResult {
  const references: TargetResult[] = outcomes.map((outcome) =>
    outcome.failure === undefined
      ? { reference: outcome.reference, state: "succeeded", ...(outcome.digest ? { digest: outcome.digest } : {}) }
      : { reference: outcome.reference, state: "failed", error: targetError(outcome.failure) },
  );
  const result: JobResult = listed ? { ...base, references } : base;
  const failed = references.flatMap((target) =>
    target.state === "failed" && target.error ? [{ reference: target.reference, error: target.error }] : [],
  );
  if (failed.length === 0) return result;
  // One target: its own failure is the job's (a single-target publish never fails as "partial").
  if (outcomes.length === 1) throw outcomes[0]?.failure;
  throw new PartialPublishError({ ...result, references }, failed);
}

/**
 * Waits for every one of `work` to settle, then throws the first failure: on a cancel, the pushes to other
 * registries end their upload sessions before the job is marked ended and its work dir removed.
 */
export async function settleAll(work: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const outcomes = await Promise.allSettled(work);
  const failed = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
  if (failed) throw failed.reason;
}
