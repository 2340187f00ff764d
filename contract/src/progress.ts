import type { JobEvent, JobProgress, JobResult, JobState, StepStatus } from "./publish.js";

/** Step ids with this prefix name a backend phase (`phase:pushing`), not a BuildKit vertex. */
export const phaseStepPrefix = "phase:";

/** How far back the transfer rate looks. */
export const rateWindowMs = 5_000;

/** Lines of log kept; older ones are dropped (`logLines` still counts them). */
export const logWindow = 500;

/** One step (BuildKit vertex or backend phase) as its latest event left it. */
export interface FoldedStep {
  id: string;
  name: string;
  status: StepStatus;
  error?: string;
  /** When it last started, counted in step events: the latest running step is the current one. */
  order: number;
  /** The target it is about, in a several-target publish. */
  target?: string;
}

/** One file or blob as its latest bytes event left it. */
export interface FoldedFile {
  id: string;
  /** The file's name, or its id when no event named it. */
  name: string;
  done: number;
  total?: number;
  /** What is happening to it, in the emitter's words (`downloading`, `skipped`, `verified`). */
  status?: string;
}

/** One file or blob on its way to one target of a several-target publish. */
export interface FoldedTargetFile extends FoldedFile {
  target: string;
}

/**
 * Everything a job's events fold into. `progress` is what the job record shows; the progress page shows the rest.
 * Steps and files keep the order they first appeared in.
 */
export interface JobFold {
  progress: JobProgress;
  /** The highest event seq folded. */
  next: number;
  state?: JobState;
  /** By step id; a step about a target by `targetKey(target, id)`, so each target keeps its own. */
  steps: ReadonlyMap<string, FoldedStep>;
  /** By file id, each counted once: for bytes that name targets, the live target furthest behind. */
  files: ReadonlyMap<string, FoldedFile>;
  /** Bytes events that name a target, by `targetKey(target, id)`. */
  targetFiles: ReadonlyMap<string, FoldedTargetFile>;
  /** The targets events named, in the order they first appeared. */
  targets: readonly string[];
  /** The last `logWindow` log lines. */
  log: readonly string[];
  /** Every log line folded, kept or not. */
  logLines: number;
  result?: JobResult;
  /** Recent (time, bytes done) samples within the rate window. */
  samples: ReadonlyArray<{ at: number; done: number }>;
  /** Step events folded, for `FoldedStep.order`. */
  order: number;
}

export const emptyJobFold: JobFold = {
  progress: { phase: "queued" },
  next: 0,
  steps: new Map(),
  files: new Map(),
  targetFiles: new Map(),
  targets: [],
  log: [],
  logLines: 0,
  samples: [],
  order: 0,
};

/** A fold being built from one batch: fresh collections, so the fold it started from stays as it was. */
interface Draft extends Omit<JobFold, "steps" | "files" | "targetFiles" | "log"> {
  steps: Map<string, FoldedStep>;
  files: Map<string, FoldedFile>;
  targetFiles: Map<string, FoldedTargetFile>;
  log: string[];
}

/** The key of a target's own step or file: ids repeat across the targets of one publish. */
export function targetKey(target: string, id: string): string {
  return `${target}\n${id}`;
}

/** The key of a step in `JobFold.steps` (a file's in `targetFiles` when it has a target): its id, with its target. */
export function foldKey(event: { id: string; target?: string | undefined }): string {
  return event.target === undefined ? event.id : targetKey(event.target, event.id);
}

/**
 * Folds events, in seq order, into a job's fold. Pure: the same events always give the same fold, so the job record,
 * a re-fold after restart, the progress page and the CLI agree.
 */
export function foldJobEvents(fold: JobFold, events: readonly JobEvent[]): JobFold {
  if (events.length === 0) return fold;
  const draft: Draft = {
    ...fold,
    steps: new Map(fold.steps),
    files: new Map(fold.files),
    targetFiles: new Map(fold.targetFiles),
    log: [...fold.log],
  };
  for (const event of events) foldEvent(draft, event);
  if (draft.log.length > logWindow) draft.log = draft.log.slice(draft.log.length - logWindow);
  return draft;
}

/** Folds a whole event list from the start. */
export function foldAll(events: readonly JobEvent[]): JobFold {
  return foldJobEvents(emptyJobFold, events);
}

function foldEvent(draft: Draft, event: JobEvent): void {
  draft.next = Math.max(draft.next, event.seq);
  switch (event.type) {
    case "state":
      return foldState(draft, event.state);
    case "step":
      return foldStep(draft, event);
    case "bytes":
      return foldBytes(draft, event);
    case "result":
      draft.result = event.result;
      draft.progress = { ...draft.progress, phase: "done" };
      return;
    case "log":
      draft.logLines += 1;
      draft.log.push(event.line);
      return;
  }
}

const phaseOfState: Record<JobState, string> = {
  queued: "queued",
  running: "starting",
  succeeded: "done",
  failed: "failed",
  canceled: "canceled",
  interrupted: "interrupted",
};

function foldState(draft: Draft, state: JobState): void {
  draft.state = state;
  const finished = state !== "queued" && state !== "running";
  if (state === "succeeded") {
    for (const [id, step] of draft.steps) {
      if (step.status === "started") draft.steps.set(id, { ...step, status: "completed" });
    }
  }
  const steps = summarizeSteps(draft.steps);
  const progress: JobProgress = { ...draft.progress, phase: phaseOfState[state], ...steps };
  if (finished && !steps.step) delete progress.step;
  if (finished) {
    delete progress.rate;
    delete progress.etaSeconds;
  }
  draft.progress = progress;
}

function foldStep(draft: Draft, event: Extract<JobEvent, { type: "step" }>): void {
  draft.order += 1;
  const key = foldKey(event);
  if (event.target !== undefined) noteTarget(draft, event.target);
  const previous = draft.steps.get(key);
  draft.steps.set(key, {
    id: event.id,
    name: event.name,
    status: event.status,
    ...(event.error !== undefined ? { error: event.error } : {}),
    order: event.status === "started" ? draft.order : (previous?.order ?? draft.order),
    ...(event.target !== undefined ? { target: event.target } : {}),
  });
  let phase = draft.progress.phase;
  const backendPhase = event.id.startsWith(phaseStepPrefix);
  if (backendPhase && event.status === "started") phase = event.id.slice(phaseStepPrefix.length);
  else if (!backendPhase && (phase === "starting" || phase === "queued")) phase = "building";
  const steps = summarizeSteps(draft.steps);
  const progress: JobProgress = { ...draft.progress, phase, ...steps };
  if (!steps.step) delete progress.step;
  draft.progress = progress;
  if (event.target !== undefined && event.status === "errored") recountFailedTarget(draft, event.target);
}

type BytesEvent = Extract<JobEvent, { type: "bytes" }>;

/** A file as `event` leaves it, on top of what earlier events said. */
function fileAfter(previous: FoldedFile | undefined, event: BytesEvent): FoldedFile {
  const total = event.total ?? previous?.total;
  const status = event.status ?? previous?.status;
  return {
    id: event.id,
    name: event.name ?? previous?.name ?? event.id,
    done: event.done,
    ...(total !== undefined ? { total } : {}),
    ...(status !== undefined ? { status } : {}),
  };
}

function noteTarget(draft: Draft, target: string): void {
  if (!draft.targets.includes(target)) draft.targets = [...draft.targets, target];
}

/**
 * A target's bytes: kept per target, and the file's own entry becomes the live target furthest behind, so the job's
 * bytes count each file once and reach its size when every target that has not failed holds it.
 */
function foldTargetBytes(draft: Draft, event: BytesEvent, target: string): void {
  noteTarget(draft, target);
  const key = targetKey(target, event.id);
  draft.targetFiles.set(key, { ...fileAfter(draft.targetFiles.get(key), event), target });
  countOnce(draft, event.id);
}

/** A file's own entry from its targets' copies: the live one furthest behind (of all copies once every one failed). */
function countOnce(draft: Draft, id: string): void {
  const failed = failedTargets(draft.steps);
  const copies = draft.targets.flatMap((each) => draft.targetFiles.get(targetKey(each, id)) ?? []);
  const live = copies.filter((copy) => !failed.has(copy.target));
  const behind = (live.length > 0 ? live : copies).reduce<FoldedTargetFile | undefined>(
    (slowest, copy) => (slowest === undefined || copy.done < slowest.done ? copy : slowest),
    undefined,
  );
  if (!behind) return;
  const { target: _target, ...file } = behind;
  draft.files.set(id, file);
}

/** A target that failed no longer holds its files back: they count as far as the targets still going have them. */
function recountFailedTarget(draft: Draft, target: string): void {
  const ids = [...draft.targetFiles.values()].filter((file) => file.target === target).map((file) => file.id);
  if (ids.length === 0) return;
  for (const id of ids) countOnce(draft, id);
  draft.progress = withBytes(draft);
}

/** The job's progress with its byte figures counted afresh from the files. */
function withBytes(draft: Draft): JobProgress {
  const { bytesDone: _d, bytesTotal: _t, rate: _r, etaSeconds: _e, ...rest } = draft.progress;
  return { ...rest, ...summarizeBytes(draft.files, draft.samples) };
}

function hasTargetCopies(draft: Draft, id: string): boolean {
  return draft.targets.some((target) => draft.targetFiles.has(targetKey(target, id)));
}

/** Targets with a step that errored. */
function failedTargets(steps: JobFold["steps"]): Set<string> {
  const failed = new Set<string>();
  for (const step of steps.values())
    if (step.target !== undefined && step.status === "errored") failed.add(step.target);
  return failed;
}

function foldBytes(draft: Draft, event: BytesEvent): void {
  if (event.target !== undefined) foldTargetBytes(draft, event, event.target);
  // The shared download of a file its targets report on: the targets' copies count it (the slowest one), and the
  // download's own events, interleaved with theirs, must not move the count back and forth.
  else if (!hasTargetCopies(draft, event.id)) draft.files.set(event.id, fileAfter(draft.files.get(event.id), event));
  const at = Date.parse(event.at);
  const done = sumDone(draft.files);
  draft.samples = [...draft.samples, { at, done }].filter((sample) => at - sample.at <= rateWindowMs);
  draft.progress = withBytes(draft);
}

const finishedStepStates: readonly StepStatus[] = ["completed", "cached", "skipped", "errored"];

function summarizeSteps(steps: JobFold["steps"]): Pick<JobProgress, "step" | "stepsDone" | "stepsTotal"> {
  const all = [...steps.values()];
  if (all.length === 0) return {};
  const done = all.filter((step) => finishedStepStates.includes(step.status)).length;
  const running = all.filter((step) => step.status === "started").sort((a, b) => b.order - a.order)[0];
  return { stepsDone: done, stepsTotal: all.length, ...(running ? { step: running.name } : {}) };
}

function sumDone(files: JobFold["files"]): number {
  let done = 0;
  for (const file of files.values()) done += file.done;
  return done;
}

function summarizeBytes(
  files: JobFold["files"],
  samples: JobFold["samples"],
): Pick<JobProgress, "bytesDone" | "bytesTotal" | "rate" | "etaSeconds"> {
  const all = [...files.values()];
  if (all.length === 0) return {};
  const done = sumDone(files);
  const knownTotals = all.every((file) => file.total !== undefined);
  const total = knownTotals ? all.reduce((sum, file) => sum + (file.total ?? 0), 0) : undefined;
  const rate = sampledRate(samples);
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

/** Bytes per second from the first to the last sample of the window; undefined without two samples apart in time. */
function sampledRate(samples: JobFold["samples"]): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || !(last.at > first.at && last.done >= first.done)) return undefined;
  return Math.round(((last.done - first.done) * 1000) / (last.at - first.at));
}
