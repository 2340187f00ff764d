import type { JobEvent, JobProgress, NewJobEvent, StepStatus } from "./publish.js";

/** Step ids with this prefix name a backend phase (`phase:pushing`), not a BuildKit vertex. */
export const phaseStepPrefix = "phase:";

/** How far back the transfer rate looks. */
const rateWindowMs = 5_000;

/** Everything the fold remembers between events; `progress` is what the job record shows. */
export interface ProgressState {
  progress: JobProgress;
  steps: Record<string, { name: string; status: StepStatus; order: number }>;
  bytes: Record<string, { done: number; total?: number }>;
  /** Recent (time, bytesDone) samples for the rate. */
  samples: Array<{ at: number; done: number }>;
  order: number;
}

export function initialProgress(phase = "queued"): ProgressState {
  return { progress: { phase }, steps: {}, bytes: {}, samples: [], order: 0 };
}

const finishedStepStates: readonly StepStatus[] = ["completed", "cached", "skipped", "errored"];

function summarizeSteps(steps: ProgressState["steps"]): Pick<JobProgress, "step" | "stepsDone" | "stepsTotal"> {
  const all = Object.values(steps);
  if (all.length === 0) return {};
  const done = all.filter((step) => finishedStepStates.includes(step.status)).length;
  const running = all.filter((step) => step.status === "started").sort((a, b) => b.order - a.order)[0];
  return { stepsDone: done, stepsTotal: all.length, ...(running ? { step: running.name } : {}) };
}

function summarizeBytes(
  bytes: ProgressState["bytes"],
  samples: ProgressState["samples"],
): Pick<JobProgress, "bytesDone" | "bytesTotal" | "rate" | "etaSeconds"> {
  const all = Object.values(bytes);
  if (all.length === 0) return {};
  const done = all.reduce((sum, entry) => sum + entry.done, 0);
  const knownTotals = all.every((entry) => entry.total !== undefined);
  const total = knownTotals ? all.reduce((sum, entry) => sum + (entry.total ?? 0), 0) : undefined;
  const first = samples[0];
  const last = samples[samples.length - 1];
  let rate: number | undefined;
  if (first && last && last.at > first.at && last.done >= first.done) {
    rate = Math.round(((last.done - first.done) * 1000) / (last.at - first.at));
  }
  const eta =
    rate !== undefined && rate > 0 && total !== undefined && total >= done
      ? Math.ceil((total - done) / rate)
      : undefined;
  return {
    bytesDone: done,
    ...(total !== undefined ? { bytesTotal: total } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(eta !== undefined ? { etaSeconds: eta } : {}),
  };
}

const phaseOfState: Record<string, string> = {
  queued: "queued",
  running: "starting",
  succeeded: "done",
  failed: "failed",
  canceled: "canceled",
  interrupted: "interrupted",
};

/**
 * Folds one job event into the progress the job record shows. Pure: the same events always give the same
 * progress, so the history, the live view and a re-fold after restart agree.
 */
export function foldProgress(state: ProgressState, event: JobEvent | (NewJobEvent & { at: string })): ProgressState {
  switch (event.type) {
    case "state": {
      const phase = phaseOfState[event.state] ?? event.state;
      const finished = event.state !== "queued" && event.state !== "running";
      const steps = finished
        ? Object.fromEntries(
            Object.entries(state.steps).map(([id, step]) => [
              id,
              step.status === "started" && event.state === "succeeded"
                ? { ...step, status: "completed" as const }
                : step,
            ]),
          )
        : state.steps;
      const progress: JobProgress = { ...state.progress, phase, ...summarizeSteps(steps) };
      if (finished && !summarizeSteps(steps).step) delete progress.step;
      if (finished) {
        delete progress.rate;
        delete progress.etaSeconds;
      }
      return { ...state, steps, progress };
    }
    case "step": {
      const order = state.order + 1;
      const previous = state.steps[event.id];
      const steps = {
        ...state.steps,
        [event.id]: { name: event.name, status: event.status, order: previous?.order ?? order },
      };
      if (event.status === "started") steps[event.id] = { name: event.name, status: event.status, order };
      let phase = state.progress.phase;
      if (event.id.startsWith(phaseStepPrefix) && event.status === "started") {
        phase = event.id.slice(phaseStepPrefix.length);
      } else if (!event.id.startsWith(phaseStepPrefix) && (phase === "starting" || phase === "queued")) {
        phase = "building";
      }
      const progress: JobProgress = { ...state.progress, phase, ...summarizeSteps(steps) };
      if (!summarizeSteps(steps).step) delete progress.step;
      return { ...state, steps, order, progress };
    }
    case "bytes": {
      const total = event.total ?? state.bytes[event.id]?.total;
      const bytes = {
        ...state.bytes,
        [event.id]: total !== undefined ? { done: event.done, total } : { done: event.done },
      };
      const at = Date.parse(event.at);
      const done = Object.values(bytes).reduce((sum, entry) => sum + entry.done, 0);
      const samples = [...state.samples, { at, done }].filter((sample) => at - sample.at <= rateWindowMs);
      const { bytesDone: _d, bytesTotal: _t, rate: _r, etaSeconds: _e, ...rest } = state.progress;
      return { ...state, bytes, samples, progress: { ...rest, ...summarizeBytes(bytes, samples) } };
    }
    case "result":
      return {
        ...state,
        progress: { ...state.progress, phase: "done" },
      };
    case "log":
      return state;
  }
}

/** Folds a whole event list from the start. */
export function foldAll(events: ReadonlyArray<JobEvent>, phase = "queued"): ProgressState {
  return events.reduce(foldProgress, initialProgress(phase));
}
