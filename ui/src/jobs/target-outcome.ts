import { publishTargets, type FoldedStep, type Job, type JobFold, type TargetResult } from "@model-publisher/contract";

/** Targets for people: `a`, `a and b`, `a and 2 more targets`. */
export function targetsText(references: readonly string[]): string {
  const [first = "", second] = references;
  if (references.length === 1) return first;
  if (references.length === 2) return `${first} and ${second}`;
  return `${first} and ${references.length - 1} more targets`;
}

/** Where a job publishes, for people: its one reference (as the result names it once there is one), or its targets. */
export function jobTargetsText(job: Pick<Job, "request" | "result">): string {
  const targets = publishTargets(job.request);
  return targets.length > 1 ? targetsText(targets) : (job.result?.reference ?? job.request.reference);
}

/** The one digest every target of a several-target result holds, when they all succeeded with the same one. */
export function sharedDigest(outcomes: readonly TargetResult[]): string | undefined {
  const [first] = outcomes;
  if (outcomes.length < 2 || !first?.digest) return undefined;
  const same = outcomes.every((outcome) => outcome.state === "succeeded" && outcome.digest === first.digest);
  return same ? first.digest : undefined;
}

/** How a publish that reached only some of its targets ended, in one sentence, and the error its failures share. */
export interface PartialPublish {
  sentence: string;
  failed: string[];
  /** The error code every failed target gave, when they agree: its next step applies to all of them. */
  code?: string;
}

/** For a job that ended `partial_publish` with per-target results; undefined otherwise. */
export function partialPublish(job: Pick<Job, "error" | "result">): PartialPublish | undefined {
  const outcomes = job.result?.references;
  if (job.error?.code !== "partial_publish" || !outcomes) return undefined;
  const failed = outcomes.filter((outcome) => outcome.state === "failed");
  if (failed.length === 0) return undefined;
  const published = outcomes.length - failed.length;
  const codes = new Set(failed.map((outcome) => outcome.error?.code));
  const [code] = codes;
  const reason =
    codes.size === 1 && failed.length === 1 && failed[0]?.error
      ? `: ${failed[0].error.message.replace(/\.$/, "")}`
      : "";
  return {
    sentence: `Published to ${published} of ${outcomes.length} targets; ${targetsText(failed.map((f) => f.reference))} failed${reason}.`,
    failed: failed.map((outcome) => outcome.reference),
    ...(codes.size === 1 && code ? { code } : {}),
  };
}

/** The steps the step list shows: in a several-target publish, a target's own steps show in its row instead. */
export function listedSteps(job: Pick<Job, "request">, fold: JobFold): FoldedStep[] {
  const several = publishTargets(job.request).length > 1;
  return [...fold.steps.values()].filter((step) => step.target === undefined || !several);
}
