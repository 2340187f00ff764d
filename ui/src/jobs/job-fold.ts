import type { JobEvent, JobResult, JobState, StepStatus } from "@model-publisher/contract";

/** Lines of log kept for display; older ones are dropped (the count says how many there were). */
export const logWindow = 500;

export interface StepView {
  id: string;
  name: string;
  status: StepStatus | "queued";
  error?: string;
}

export interface FileView {
  id: string;
  name: string;
  done: number;
  total?: number;
  status?: string;
}

/** Everything the progress page shows, folded from the job's events. */
export interface JobFold {
  next: number;
  state?: JobState;
  steps: StepView[];
  files: FileView[];
  log: string[];
  logLines: number;
  result?: JobResult;
  /** Recent (time, bytes done) samples for the rate. */
  samples: { at: number; done: number }[];
}

export const emptyFold: JobFold = { next: 0, steps: [], files: [], log: [], logLines: 0, samples: [] };

/** Folds a batch of events into the view; pure, so the UI never keeps a second notion of progress. */
export function foldJobEvents(fold: JobFold, events: readonly JobEvent[]): JobFold {
  if (events.length === 0) return fold;
  const steps = new Map(fold.steps.map((step) => [step.id, step]));
  const files = new Map(fold.files.map((file) => [file.id, file]));
  let { state, result, logLines, next } = fold;
  const log = [...fold.log];
  const samples = [...fold.samples];
  for (const event of events) {
    next = Math.max(next, event.seq);
    switch (event.type) {
      case "state":
        state = event.state;
        break;
      case "step":
        steps.set(event.id, { id: event.id, name: event.name, status: event.status, error: event.error });
        break;
      case "bytes": {
        const previous = files.get(event.id);
        files.set(event.id, {
          id: event.id,
          name: event.name ?? previous?.name ?? event.id,
          done: event.done,
          total: event.total ?? previous?.total,
          status: event.status ?? previous?.status,
        });
        break;
      }
      case "log":
        logLines += 1;
        log.push(event.line);
        break;
      case "result":
        result = event.result;
        break;
    }
  }
  const lastAt = Date.parse(events[events.length - 1]?.at ?? "");
  if (!Number.isNaN(lastAt)) {
    const done = [...files.values()].reduce((sum, file) => sum + file.done, 0);
    samples.push({ at: lastAt, done });
    while (samples.length > 20) samples.shift();
  }
  return {
    next,
    state,
    steps: [...steps.values()],
    files: [...files.values()],
    log: log.length > logWindow ? log.slice(log.length - logWindow) : log,
    logLines,
    result,
    samples,
  };
}

/** Bytes per second over the samples of the last ~10 s. */
export function sampledRate(samples: readonly { at: number; done: number }[]): number | undefined {
  const last = samples[samples.length - 1];
  if (!last) return undefined;
  const first = samples.find((sample) => last.at - sample.at <= 10_000);
  if (!first || last.at === first.at) return undefined;
  return Math.max(0, ((last.done - first.done) * 1000) / (last.at - first.at));
}
