import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import {
  finishedStates,
  foldAll,
  foldJobEvents,
  type Job,
  type JobError,
  type JobEvent,
  type JobFold,
  type JobState,
  type NewJobEvent,
  type PublishMode,
  type PublishRequest,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { PushedBlobs } from "./pushed-blobs.js";

/** The file under STATE_DIR that holds the job history. */
export const jobDatabaseName = "jobs.sqlite";

const schema = `
CREATE TABLE IF NOT EXISTS jobs (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  state TEXT NOT NULL,
  mode TEXT,
  request TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  progress TEXT NOT NULL,
  error TEXT,
  result TEXT,
  last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state);
CREATE TABLE IF NOT EXISTS job_events (
  job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
) WITHOUT ROWID;
`;

interface JobRow {
  n: number;
  id: string;
  state: string;
  mode: string | null;
  request: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  progress: string;
  error: string | null;
  result: string | null;
  last_seq: number;
}

interface EventRow {
  seq: number;
  at: string;
  body: string;
}

function rowToJob(row: JobRow): Job {
  return {
    id: row.id,
    state: row.state as JobState,
    // As sent (defaults not filled in): the contract's answer; PublishRequest.parse gives the runnable form.
    request: JSON.parse(row.request) as PublishRequest,
    ...(row.mode ? { mode: row.mode as PublishMode } : {}),
    createdAt: row.created_at,
    ...(row.started_at ? { startedAt: row.started_at } : {}),
    ...(row.finished_at ? { finishedAt: row.finished_at } : {}),
    progress: JSON.parse(row.progress) as Job["progress"],
    ...(row.error ? { error: JSON.parse(row.error) as JobError } : {}),
    ...(row.result ? { result: JSON.parse(row.result) as Job["result"] } : {}),
  };
}

function rowToEvent(row: EventRow): JobEvent {
  return { seq: row.seq, at: row.at, ...(JSON.parse(row.body) as NewJobEvent) } as JobEvent;
}

/** The database file is readable but its content is damaged. */
class BrokenStoreError extends Error {
  readonly code = "SQLITE_CORRUPT";
}

/** SQLite's answers for a file that is not (or no longer) a database it can use. */
function isBrokenDatabase(err: unknown): boolean {
  const code = err && typeof err === "object" && "code" in err ? String(err.code) : "";
  return code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT");
}

/** `{"seq":…,"at":…,<body fields>}`: the event as the API answers it, built from its stored body. */
function eventText(row: EventRow): string {
  return `{"seq":${row.seq},"at":${JSON.stringify(row.at)},${row.body.slice(1)}`;
}

export type JobListener = (job: Job, events: JobEvent[]) => void;

/** What start-up found and marked `interrupted`. */
export interface Recovery {
  interrupted: string[];
}

/**
 * Job history in SQLite (WAL): jobs, and their events numbered 1, 2, 3… per job. Appending events folds them into
 * the job's progress in the same transaction, so the record and the event list never disagree.
 */
export class JobStore {
  private readonly db: Database.Database;
  /** What the jobs pushed where (digest → registry → repository), for cross-repository mounts. */
  readonly pushedBlobs: PushedBlobs;
  private readonly folds = new Map<string, JobFold>();
  private readonly listeners = new Map<string, Set<JobListener>>();
  /** How long a finished job's events stay in memory for clients still catching up. */
  static finishedEventsInMemoryMs = 60_000;
  /** Serialized events of the jobs of this process (running, or finished a moment ago), index = seq - 1. */
  private readonly liveEvents = new Map<string, string[]>();
  private readonly now: () => Date;
  private readonly statements = new Map<string, Database.Statement>();
  /** Serialized `list` answers, valid while neither this process nor another connection has written since. */
  private listCache = { revision: -1, dataVersion: -1, texts: new Map<string, string>() };
  /** Bumped by every write of this process (SQLite's data_version counts only other connections' commits). */
  private revision = 0;

  constructor(file: string, options: { now?: () => Date } = {}) {
    this.now = options.now ?? (() => new Date());
    this.db = new Database(file);
    try {
      this.db.pragma("journal_mode = WAL");
      // WAL + NORMAL survives a killed process; only an OS crash may lose the last commits.
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("foreign_keys = ON");
      const check = this.db.pragma("quick_check", { simple: true });
      if (check !== "ok") throw new BrokenStoreError(`integrity check: ${String(check)}`);
      this.db.exec(schema);
      this.pushedBlobs = new PushedBlobs(this.db, this.now);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /**
   * Opens (creating) the store under STATE_DIR. A database SQLite cannot read (a damaged disk, a foreign file) is
   * moved aside as `jobs.sqlite.broken-<time>` and a fresh history started, so the backend comes up rather than
   * failing at every start; `onBroken` hears where it went.
   */
  static open(
    stateDir: string,
    options: { now?: () => Date; onBroken?: (broken: { movedTo: string; reason: string }) => void } = {},
  ): JobStore {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const file = join(stateDir, jobDatabaseName);
    try {
      return new JobStore(file, options);
    } catch (err) {
      if (!isBrokenDatabase(err)) throw err;
      const movedTo = `${file}.broken-${(options.now ?? (() => new Date()))().toISOString().replace(/[:.]/g, "-")}`;
      for (const suffix of ["", "-wal", "-shm"]) {
        if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
      }
      options.onBroken?.({ movedTo, reason: err instanceof Error ? err.message : String(err) });
      return new JobStore(file, options);
    }
  }

  /** Prepares each SQL text once; preparing is a large part of a small query's cost. */
  private statement(sql: string): Database.Statement {
    let prepared = this.statements.get(sql);
    if (!prepared) {
      prepared = this.db.prepare(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }

  get file(): string {
    return this.db.name;
  }

  /**
   * Records a new queued job with its request as sent (defaults are applied when it runs); `request` must already be
   * free of secrets (the contract has none).
   */
  create(request: PublishRequestInput, mode: PublishMode | undefined): Job {
    const id = randomUUID();
    const createdAt = this.now().toISOString();
    this.statement(
      `INSERT INTO jobs (id, state, mode, request, created_at, progress) VALUES (?, 'queued', ?, ?, ?, '{"phase":"queued"}')`,
    ).run(id, mode ?? null, JSON.stringify(request), createdAt);
    this.revision++;
    this.liveEvents.set(id, []);
    this.append(id, [{ type: "state", state: "queued" }]);
    return this.get(id) as Job;
  }

  get(id: string): Job | undefined {
    const row = this.statement("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
    return row ? rowToJob(row) : undefined;
  }

  /** Newest first; `before` is a job id, answering the jobs created before it. */
  list(options: { limit: number; before?: string }): Job[] {
    const rows = options.before
      ? (this.statement("SELECT * FROM jobs WHERE n < (SELECT n FROM jobs WHERE id = ?) ORDER BY n DESC LIMIT ?").all(
          options.before,
          options.limit,
        ) as JobRow[])
      : (this.statement("SELECT * FROM jobs ORDER BY n DESC LIMIT ?").all(options.limit) as JobRow[]);
    return rows.map(rowToJob);
  }

  /**
   * `list` serialized as a JSON array. Every UI polls the job list a few times a second while the answer changes
   * only when a job does, so the text is kept until the next write by this process or by another one (a CLI
   * sharing STATE_DIR), which `PRAGMA data_version` reveals.
   */
  listText(options: { limit: number; before?: string }): string {
    const dataVersion = this.statement("PRAGMA data_version").pluck().get() as number;
    if (this.listCache.revision !== this.revision || this.listCache.dataVersion !== dataVersion) {
      this.listCache = { revision: this.revision, dataVersion, texts: new Map() };
    }
    const key = `${options.limit}/${options.before ?? ""}`;
    let text = this.listCache.texts.get(key);
    if (text === undefined) {
      text = JSON.stringify(this.list(options));
      if (this.listCache.texts.size < 64) this.listCache.texts.set(key, text);
    }
    return text;
  }

  /** Ids of the jobs in these states, oldest first. */
  idsInState(states: readonly JobState[]): string[] {
    const marks = states.map(() => "?").join(", ");
    const rows = this.statement(`SELECT id FROM jobs WHERE state IN (${marks}) ORDER BY n`).all(...states) as Array<{
      id: string;
    }>;
    return rows.map((row) => row.id);
  }

  /** Events with `seq > after`, at most `limit`. */
  events(id: string, after: number, limit: number): JobEvent[] {
    const rows = this.statement(
      "SELECT seq, at, body FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    ).all(id, after, limit) as EventRow[];
    return rows.map(rowToEvent);
  }

  /**
   * The same events as JSON texts, ready to answer: from memory while the job runs in this process (and shortly
   * after), else straight
   * from the stored bodies, with no parse and stringify round trip (the hot path of many polling clients).
   */
  eventTexts(id: string, after: number, limit: number): { texts: string[]; last: number } {
    const live = this.liveEvents.get(id);
    if (live) {
      const texts = live.slice(after, after + limit);
      return { texts, last: after + texts.length };
    }
    const rows = this.statement(
      "SELECT seq, at, body FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?",
    ).all(id, after, limit) as EventRow[];
    return { texts: rows.map(eventText), last: rows.at(-1)?.seq ?? after };
  }

  /** The job's state, or undefined when there is no such job. */
  state(id: string): JobState | undefined {
    const row = this.statement("SELECT state FROM jobs WHERE id = ?").get(id) as { state: JobState } | undefined;
    return row?.state;
  }

  /** The seq of the job's last event (0 when none). */
  lastSeq(id: string): number {
    const row = this.statement("SELECT last_seq FROM jobs WHERE id = ?").get(id) as { last_seq: number } | undefined;
    return row?.last_seq ?? 0;
  }

  /**
   * Appends events in one transaction: numbers and stamps them, folds them into the progress, and applies `state`
   * (timestamps) and `result` events to the job record. `error` is stored with the job when given.
   */
  append(id: string, newEvents: readonly NewJobEvent[], options: { error?: JobError } = {}): JobEvent[] {
    const write = this.db.transaction((): { job: Job; events: JobEvent[]; texts: string[] } => {
      const row = this.statement("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
      if (!row) throw new Error(`no job ${id}`);
      const folded = this.folds.get(id) ?? foldAll(this.events(id, 0, Number.MAX_SAFE_INTEGER));
      let seq = row.last_seq;
      let state = row.state;
      let startedAt = row.started_at;
      let finishedAt = row.finished_at;
      let result = row.result;
      const insert = this.statement("INSERT INTO job_events (job_id, seq, at, type, body) VALUES (?, ?, ?, ?, ?)");
      const stamped: JobEvent[] = [];
      const texts: string[] = [];
      for (const event of newEvents) {
        seq += 1;
        const at = this.now().toISOString();
        const body = JSON.stringify(event);
        insert.run(id, seq, at, event.type, body);
        texts.push(eventText({ seq, at, body }));
        const full = { ...event, seq, at } as JobEvent;
        stamped.push(full);
        if (event.type === "state") {
          state = event.state;
          if (event.state === "running" && !startedAt) startedAt = at;
          if (finishedStates.includes(event.state)) finishedAt = at;
        }
        if (event.type === "result") result = JSON.stringify(event.result);
      }
      const fold = foldJobEvents(folded, stamped);
      const error = options.error ? JSON.stringify(options.error) : row.error;
      this.statement(
        `UPDATE jobs SET state = ?, started_at = ?, finished_at = ?, progress = ?, error = ?, result = ?, last_seq = ?
           WHERE id = ?`,
      ).run(state, startedAt, finishedAt, JSON.stringify(fold.progress), error, result, seq, id);
      if (finishedStates.includes(state as JobState)) this.folds.delete(id);
      else this.folds.set(id, fold);
      return {
        job: rowToJob({
          ...row,
          state,
          started_at: startedAt,
          finished_at: finishedAt,
          error,
          result,
          progress: JSON.stringify(fold.progress),
          last_seq: seq,
        }),
        events: stamped,
        texts,
      };
    });
    const { job, events, texts } = write();
    this.revision++;
    // Memory follows the committed transaction only; a finished job is answered from the database from now on.
    const live = this.liveEvents.get(id);
    if (live) {
      live.push(...texts);
      // Clients still catching up on a just-finished job are answered from memory for a while, then from disk.
      if (finishedStates.includes(job.state)) {
        setTimeout(() => this.liveEvents.delete(id), JobStore.finishedEventsInMemoryMs).unref();
      }
    }
    for (const listener of this.listeners.get(id) ?? []) listener(job, events);
    return events;
  }

  /** Calls `listener` after every append to this job; returns the unsubscribe function. */
  subscribe(id: string, listener: JobListener): () => void {
    let set = this.listeners.get(id);
    if (!set) {
      set = new Set();
      this.listeners.set(id, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  /**
   * Start-up: every job still `running` or `queued` belonged to a process that is gone, so it ends `interrupted`
   * with an event. Queued jobs are not re-run on their own: the user asked a backend that no longer exists, and a
   * publish hours later could overwrite a tag they have since pushed another way; the history offers a re-run.
   */
  recover(): Recovery {
    const ids = this.idsInState(["running", "queued"]);
    for (const id of ids) {
      const wasRunning = this.get(id)?.state === "running";
      this.append(
        id,
        [
          {
            type: "log",
            stream: "backend",
            line: wasRunning
              ? "The backend stopped while this job was running."
              : "The backend stopped before this job started.",
          },
          { type: "state", state: "interrupted" },
        ],
        {
          error: {
            code: "interrupted",
            message: wasRunning
              ? "The backend stopped while this job was running; publish again."
              : "The backend stopped before this job started; publish again.",
          },
        },
      );
    }
    return { interrupted: ids };
  }

  close(): void {
    this.listeners.clear();
    this.liveEvents.clear();
    if (this.db.open) this.db.close();
  }
}
