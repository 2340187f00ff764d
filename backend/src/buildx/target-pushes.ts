import type { NewJobEvent } from "@model-publisher/contract";
import type { PhaseStep } from "../jobs/phase-step.js";
import type { RunContext } from "../jobs/publish-queue.js";
import { referenceOf } from "../registry/registry-client.js";
import type { PublishedManifest } from "./run-build.js";
import { eachByRegistry, targetStepEvent } from "../jobs/target-steps.js";

type BytesEvent = Extract<NewJobEvent, { type: "bytes" }>;

/** How one target's push ended. */
export interface TargetPush {
  /** The target's reference as the request gives it (what the job records and shows). */
  reference: string;
  published?: PublishedManifest;
  failure?: unknown;
}

/** Pushes to one target: its reference as the request gives it, and where its byte events go. */
export type PushToTarget = (reference: string, onProgress: (event: BytesEvent) => void) => Promise<PublishedManifest>;

/**
 * Pushes to every target in `references`: the first target of each registry at once, the others of a registry after
 * it, one by one (so they mount what it pushed). In a several-target publish (`several`) each push is its target's
 * own step and its events name the target, and a failed push fails that target only; otherwise its failure is thrown.
 * The outcomes come in the order of `references`.
 */
export async function pushEachTarget(
  ctx: RunContext,
  phase: PhaseStep,
  references: readonly string[],
  several: boolean,
  push: PushToTarget,
): Promise<TargetPush[]> {
  const outcomes: TargetPush[] = new Array<TargetPush>(references.length);
  await eachByRegistry(
    references.map((reference, index) => ({ reference, index })),
    ({ reference }) => referenceOf(reference).registry,
    async ({ reference, index }) => {
      outcomes[index] = await pushOne(ctx, phase, reference, several, push);
    },
  );
  return outcomes;
}

async function pushOne(
  ctx: RunContext,
  phase: PhaseStep,
  reference: string,
  several: boolean,
  push: PushToTarget,
): Promise<TargetPush> {
  const step = targetStepEvent(phase, reference);
  if (several) ctx.emit({ ...step, status: "started" });
  try {
    const published = await push(reference, (event) => ctx.emit(several ? { ...event, target: reference } : event));
    if (several) ctx.emit({ ...step, status: "completed" });
    return { reference, published };
  } catch (err) {
    if (!several || ctx.signal.aborted) throw err;
    const message = err instanceof Error ? err.message : String(err);
    ctx.emit({ ...step, status: "errored", error: message });
    ctx.emit({ type: "log", stream: "backend", line: `${reference} failed: ${message} The other targets go on.` });
    return { reference, failure: err };
  }
}
