import type { NewJobEvent } from "@model-publisher/contract";

/**
 * Gathers a runner's events and writes them in batches on a later turn of the event loop: a builder printing
 * thousands of lines at once becomes a few store transactions instead of one per line, and polling clients are
 * answered between batches instead of waiting behind them.
 */
export class EventBatcher {
  private pending: NewJobEvent[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(
    private readonly write: (events: NewJobEvent[]) => void,
    /** Most events one write takes; the rest wait for the next turn. */
    private readonly maxBatch = 500,
  ) {}

  push(events: NewJobEvent | readonly NewJobEvent[]): void {
    if (Array.isArray(events)) this.pending.push(...(events as NewJobEvent[]));
    else this.pending.push(events as NewJobEvent);
    this.schedule();
  }

  /** Writes everything pending now, in order (before a job's final events). */
  flush(): void {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    while (this.pending.length > 0) this.write(this.pending.splice(0, this.maxBatch));
  }

  private schedule(): void {
    if (this.scheduled || this.pending.length === 0) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = undefined;
      this.write(this.pending.splice(0, this.maxBatch));
      this.schedule();
    });
  }
}
