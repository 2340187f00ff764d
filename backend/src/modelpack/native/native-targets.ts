import { publishTargets, type ImageReference, type NewJobEvent, type PublishRequest } from "@model-publisher/contract";
import type { PhaseStep } from "../../jobs/phase-step.js";
import { eachByRegistry, targetStepEvent } from "../../jobs/target-steps.js";
import type { RunContext } from "../../jobs/publish-queue.js";
import { placeBlob, type BlobLocations } from "../../registry/blob-mount.js";
import { referenceOf, type RegistryClient } from "../../registry/registry-client.js";
import type { Repository } from "../../registry/repository.js";
import { runBounded } from "./run-bounded.js";
import { settleAll } from "../../jobs/target-results.js";

/** One registry repository a native publish goes to. */
export interface NativeTarget {
  /** The reference as the request gives it: what the job records and shows for this target. */
  reference: string;
  ref: ImageReference;
  repository: Repository;
  /** Its events' `target`: the reference in a several-target publish, absent when it is the only one. */
  label?: string;
  /** The job's signal, and this target's own stop: a failed target's transfers end, the others' go on. */
  signal: AbortSignal;
  stop: AbortController;
  /** Why it failed; set once, it gets no more work. */
  failure?: unknown;
  /** Digests it lacks after the checking phase. */
  missing: Set<string>;
}

/** What the target-side steps of a native publish share. */
export interface FanOut {
  ctx: RunContext;
  /**
   * The job's signal, and the transfer's halt: once one file fails the job (a Hub failure, every target gone), the
   * transfers of the other files stop at once instead of running to their end for nothing.
   */
  signal: AbortSignal;
  /** Stops every transfer of the job with `reason` (the failure that ends it). */
  halt(reason: unknown): void;
  request: PublishRequest;
  /** Every target in request order, failed ones included. */
  targets: NativeTarget[];
  /** What the job history knows was pushed where, for mounts. */
  locations?: BlobLocations;
  /** Registries that answered a mount with an upload session (no cross-repository mounts there): fed directly. */
  mountless?: Set<string>;
  log: (line: string) => void;
}

/** A blob every target is checked for. */
export interface CheckedBlob {
  name: string;
  size: number;
}

/** The targets of a request in its order, each with its repository and its own stop under the job's `signal`. */
export function openTargets(ctx: RunContext, registry: RegistryClient, signal: AbortSignal): NativeTarget[] {
  const references = publishTargets(ctx.request);
  return references.map((reference) => {
    const ref = referenceOf(reference);
    const stop = new AbortController();
    return {
      reference,
      ref,
      repository: registry.repository(ref, ctx.request.insecureRegistry ?? false),
      ...(references.length > 1 ? { label: reference } : {}),
      signal: AbortSignal.any([signal, stop.signal]),
      stop,
      missing: new Set(),
    };
  });
}

export function isLive(target: NativeTarget): boolean {
  return target.failure === undefined;
}

export function liveTargets(fanOut: FanOut): NativeTarget[] {
  return fanOut.targets.filter(isLive);
}

function stepEvent(target: NativeTarget, phase: PhaseStep) {
  return targetStepEvent(phase, target.label);
}

/** `eachByRegistry` over targets: a registry's later targets mount what its first one pushed. */
export function eachTargetByRegistry(
  targets: readonly NativeTarget[],
  work: (target: NativeTarget) => Promise<unknown>,
): Promise<void> {
  return eachByRegistry(targets, (target) => target.repository.host, work);
}

/** Emits a target's own step of a phase (several targets only: one target's steps are the job's). */
export function targetStep(fanOut: FanOut, target: NativeTarget, phase: PhaseStep, status: "started" | "completed") {
  if (target.label !== undefined && isLive(target)) fanOut.ctx.emit({ ...stepEvent(target, phase), status });
}

/**
 * A target failed in `phase`: with one target (or once the job is canceled) the failure is thrown as the job's;
 * otherwise the target is dropped (its transfers stopped, its step errored) and the others go on.
 */
export function dropTarget(fanOut: FanOut, target: NativeTarget, phase: PhaseStep, err: unknown): void {
  if (fanOut.signal.aborted) throw fanOut.signal.reason ?? err;
  if (!isLive(target)) return;
  if (fanOut.targets.length === 1) throw err;
  target.failure = err;
  target.stop.abort(err);
  const message = err instanceof Error ? err.message : String(err);
  fanOut.ctx.emit({ ...stepEvent(target, phase), status: "errored", error: message });
  fanOut.log(`${target.ref.normalized} failed: ${message} The other targets go on.`);
}

/** Runs one target's part of a phase as its own step; a failure drops it. Undefined when it failed. */
export async function forTarget<T>(
  fanOut: FanOut,
  target: NativeTarget,
  phase: PhaseStep,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (!isLive(target)) return undefined;
  targetStep(fanOut, target, phase, "started");
  try {
    const result = await work();
    targetStep(fanOut, target, phase, "completed");
    return isLive(target) ? result : undefined;
  } catch (err) {
    dropTarget(fanOut, target, phase, err);
    return undefined;
  }
}

type BytesEvent = Extract<NewJobEvent, { type: "bytes" }>;

function bytesEvent(
  id: string,
  blob: CheckedBlob,
  status: string,
  target?: NativeTarget,
  done = blob.size,
): BytesEvent {
  return {
    type: "bytes",
    id,
    name: blob.name,
    done,
    total: blob.size,
    status,
    ...(target?.label !== undefined ? { target: target.label } : {}),
  };
}

/**
 * The checking phase: which blobs each target lacks (HEAD per target), mounting those another repository of its
 * registry holds (the job history says which); blobs no target lacks count as skipped at once.
 */
export async function checkTargets(fanOut: FanOut, phase: PhaseStep, blobs: Map<string, CheckedBlob>): Promise<void> {
  await settleAll(
    liveTargets(fanOut).map((target) =>
      forTarget(fanOut, target, phase, async () => {
        let mounted = 0;
        await runBounded([...blobs.keys()], 8, async (digest) => {
          const blob = blobs.get(digest) as CheckedBlob;
          const place = await placeBlob(target.repository, digest, {
            ...(fanOut.locations ? { locations: fanOut.locations } : {}),
            signal: target.signal,
          });
          if (place.state === "missing") {
            target.missing.add(digest);
            // In a several-target publish each target says from the start what it still needs, so its row's total
            // is known and a blob another target holds does not count as done for this one.
            if (target.label !== undefined) fanOut.ctx.emit(bytesEvent(digest, blob, "waiting", target, 0));
          } else if (place.state === "mounted") mounted++;
          if (place.state !== "missing")
            fanOut.ctx.emit(bytesEvent(digest, blob, place.state === "mounted" ? "mounted" : "skipped", target));
        });
        const there = blobs.size - target.missing.size;
        fanOut.log(
          `${target.label ? `${target.label}: ` : ""}${there} of ${blobs.size} blobs are in the registry already` +
            (mounted > 0 ? ` (${mounted} mounted from another repository).` : "."),
        );
      }),
    ),
  );
  if (fanOut.targets.length > 1) {
    // The shared count: a blob no target lacks moves nothing.
    for (const [digest, blob] of blobs) {
      if (!liveTargets(fanOut).some((target) => target.missing.has(digest))) {
        fanOut.ctx.emit(bytesEvent(digest, blob, "skipped"));
      }
    }
  }
}
