import {
  PublishRequest,
  type Job,
  type JobError,
  type JobResult,
  type NewJobEvent,
  type PublishMode,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { Logger } from "../log.js";
import type { JobStore } from "../store/job-store.js";
import { EventBatcher } from "./event-batcher.js";
import { phaseRunner, type RunPhase } from "./phase-step.js";
import { PartialPublishError } from "./target-results.js";

/** What a runner gets for one job. */
export interface RunContext {
  job: Job;
  request: PublishRequest;
  mode: PublishMode;
  /** Aborted when the user cancels or the backend stops; the runner stops its work and children, then throws. */
  signal: AbortSignal;
  /** Appends events (numbered, stamped and folded into the job's progress by the store). */
  emit: (events: NewJobEvent | readonly NewJobEvent[]) => void;
  /** Runs one backend phase as a `phase:<id>` step (`phaseRunner` over `emit` and `signal`). */
  phase: RunPhase;
}

/**
 * Publishes one job in one mode; resolves with the result or throws (a `ContractError` for known failures, which
 * ends the job with its code and message; anything else ends it as `internal`).
 */
export interface JobRunner {
  run(ctx: RunContext): Promise<JobResult>;
}

export type CancelOutcome =
  { ok: true; job: Job } | { ok: false; reason: "not_found" } | { ok: false; reason: "not_cancelable"; job: Job };

interface Pending {
  id: string;
  mode: PublishMode;
}

interface Active {
  controller: AbortController;
  done: Promise<void>;
  /** Why the run was aborted. */
  abortedFor?: "cancel" | "shutdown";
}

export interface PublishQueueOptions {
  store: JobStore;
  runners: Partial<Record<PublishMode, JobRunner>>;
  /** Jobs that run at once; others wait in order. */
  concurrency: number;
  logger?: Logger;
}

/**
 * The publish queue: jobs wait in submission order and at most `concurrency` run at once, each with the runner for
 * its mode. Every change goes through the store as events.
 */
export class PublishQueue {
  private readonly store: JobStore;
  private readonly runners: Partial<Record<PublishMode, JobRunner>>;
  private readonly concurrency: number;
  private readonly logger: Logger | undefined;
  private readonly waiting: Pending[] = [];
  private readonly active = new Map<string, Active>();
  private closed = false;

  constructor(options: PublishQueueOptions) {
    this.store = options.store;
    this.runners = { ...options.runners };
    this.concurrency = Math.max(1, Math.floor(options.concurrency));
    this.logger = options.logger;
  }

  /** Modes a runner is registered for. */
  get modes(): PublishMode[] {
    return (Object.keys(this.runners) as PublishMode[]).filter((mode) => this.runners[mode] !== undefined);
  }

  hasRunner(mode: PublishMode): boolean {
    return this.runners[mode] !== undefined;
  }

  /** Plugs in (or replaces) the runner of a mode; the native runner arrives this way. */
  register(mode: PublishMode, runner: JobRunner): void {
    this.runners[mode] = runner;
  }

  /** Records the job as queued and starts it when a slot is free. */
  submit(request: PublishRequest, mode: PublishMode, asSent: PublishRequestInput = request): Job {
    if (this.closed) throw new Error("the publish queue is closed");
    if (!this.hasRunner(mode)) throw new ContractError("invalid_request", `The ${mode} mode is not available.`);
    const job = this.store.create(sentTargets(asSent), mode);
    this.waiting.push({ id: job.id, mode });
    this.pump();
    return this.store.get(job.id) ?? job;
  }

  /** Cancels a queued job at once, or asks a running one to stop (it ends `canceled` once its children are gone). */
  cancel(id: string): CancelOutcome {
    const job = this.store.get(id);
    if (!job) return { ok: false, reason: "not_found" };
    const index = this.waiting.findIndex((pending) => pending.id === id);
    if (index >= 0) {
      this.waiting.splice(index, 1);
      this.finish(id, "canceled", { code: "canceled", message: "Canceled before it started." });
      return { ok: true, job: this.store.get(id) ?? job };
    }
    const active = this.active.get(id);
    if (active) {
      if (!active.abortedFor) {
        active.abortedFor = "cancel";
        this.store.append(id, [{ type: "log", stream: "backend", line: "Cancel requested; stopping the build." }]);
        active.controller.abort(new ContractError("canceled", "Canceled by the user."));
      }
      return { ok: true, job: this.store.get(id) ?? job };
    }
    return { ok: false, reason: "not_cancelable", job };
  }

  /** Resolves when no job is running or waiting. */
  async idle(): Promise<void> {
    // pump() keeps a job active whenever one waits, so waiting on the active ones covers the queue.
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((active) => active.done));
  }

  /** Stops taking jobs, aborts the running ones (they end `interrupted`) and waits for their children to go. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) {
      this.finish(pending.id, "interrupted", {
        code: "interrupted",
        message: "The backend stopped before this job started; publish again.",
      });
    }
    for (const active of this.active.values()) {
      if (!active.abortedFor) {
        active.abortedFor = "shutdown";
        active.controller.abort(new ContractError("interrupted", "The backend stopped while this job was running."));
      }
    }
    await Promise.all([...this.active.values()].map((active) => active.done));
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift() as Pending;
      const controller = new AbortController();
      const entry: Active = { controller, done: Promise.resolve() };
      this.active.set(next.id, entry);
      entry.done = this.execute(next, entry).finally(() => {
        this.active.delete(next.id);
        this.pump();
      });
    }
  }

  private finish(id: string, state: "succeeded" | "failed" | "canceled" | "interrupted", error?: JobError): void {
    this.store.append(id, [{ type: "state", state }], error ? { error } : {});
  }

  private async execute(pending: Pending, active: Active): Promise<void> {
    const runner = this.runners[pending.mode];
    const { id } = pending;
    this.store.append(id, [{ type: "state", state: "running" }]);
    const job = this.store.get(id) as Job;
    const batcher = new EventBatcher((events) => {
      try {
        this.store.append(id, events);
      } catch (err) {
        // A late event after the job ended and the history closed (shutdown) must not bring the backend down.
        this.logger?.warn({ err, job: id }, "job events dropped");
      }
    });
    try {
      if (!runner) throw new ContractError("internal", `No runner for the ${pending.mode} mode.`);
      const signal = active.controller.signal;
      const emit = (events: NewJobEvent | readonly NewJobEvent[]) => batcher.push(events);
      const result = await runner.run({
        job,
        // Stored as sent; the runner gets it with the contract's defaults applied.
        request: PublishRequest.parse(job.request),
        mode: pending.mode,
        signal,
        emit,
        phase: phaseRunner(emit, signal),
      });
      batcher.flush();
      if (active.abortedFor) throw active.controller.signal.reason;
      this.store.append(id, [
        { type: "result", result },
        { type: "state", state: "succeeded" },
      ]);
    } catch (err) {
      batcher.flush();
      if (active.abortedFor === "cancel") {
        this.finish(id, "canceled", { code: "canceled", message: "Canceled by the user." });
      } else if (active.abortedFor === "shutdown") {
        this.finish(id, "interrupted", {
          code: "interrupted",
          message: "The backend stopped while this job was running; publish again.",
        });
      } else if (err instanceof PartialPublishError) {
        // Some targets failed: the result still lists every target, and the error names the failed ones.
        this.store.append(id, [{ type: "result", result: err.result }]);
        this.finish(id, "failed", {
          code: err.code,
          message: err.message,
          ...(err.details ? { details: err.details } : {}),
        });
      } else if (err instanceof ContractError) {
        this.finish(id, "failed", { code: err.code, message: err.message });
      } else {
        this.logger?.error({ err, job: id }, "publish runner failed");
        this.finish(id, "failed", {
          code: "internal",
          message: "The backend hit an unexpected error; see its log for details.",
        });
      }
    }
  }
}

/**
 * The request as its client gave its targets: parsing fills `reference` in from `references`, and a request naming
 * both would not parse again when the job runs.
 */
function sentTargets(request: PublishRequestInput): PublishRequestInput {
  if (request.references === undefined) return request;
  const { reference: _filled, ...sent } = request;
  return sent;
}
