import type { NewJobEvent } from "@model-publisher/contract";
import { phaseStepPrefix } from "@model-publisher/contract";

/** A backend phase as a job shows it: the step `phase:<id>`, with a name people read. */
export interface PhaseStep {
  id: string;
  name: string;
}

export interface PhaseOptions {
  /** The errored step's text for a failure, or undefined to emit no errored step; default the error's message. */
  stepError?: (err: unknown) => string | undefined;
}

/**
 * Runs `work` as one backend phase: the step `started`, then `completed`, or `errored` with the failure's text and
 * the failure thrown on as it came. A phase does not start once the job is aborted.
 */
export type RunPhase = <T>(step: PhaseStep, work: () => Promise<T>, options?: PhaseOptions) => Promise<T>;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The phase helper of one job, emitting its steps with the job's `emit`. */
export function phaseRunner(emit: (event: NewJobEvent) => void, signal: AbortSignal): RunPhase {
  return async (step, work, options = {}) => {
    if (signal.aborted) throw signal.reason;
    const event = { type: "step", id: `${phaseStepPrefix}${step.id}`, name: step.name } as const;
    emit({ ...event, status: "started" });
    try {
      const result = await work();
      emit({ ...event, status: "completed" });
      return result;
    } catch (err) {
      const error = (options.stepError ?? errorText)(err);
      if (error !== undefined) emit({ ...event, status: "errored", error });
      throw err;
    }
  };
}
