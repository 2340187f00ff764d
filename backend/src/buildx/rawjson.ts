import type { NewJobEvent, StepStatus } from "@model-publisher/contract";
import { redactText } from "../log.js";

/** One vertex of BuildKit's `client.SolveStatus` as `--progress=rawjson` writes it. */
interface RawVertex {
  digest?: string;
  inputs?: string[];
  name?: string;
  started?: string;
  completed?: string;
  cached?: boolean;
  error?: string;
}

interface RawStatus {
  id?: string;
  vertex?: string;
  name?: string;
  total?: number;
  current?: number;
  timestamp?: string;
  started?: string;
  completed?: string;
}

interface RawLog {
  vertex?: string;
  /** 1 stdout, 2 stderr. */
  stream?: number;
  /** Base64. */
  data?: string;
  timestamp?: string;
}

interface RawWarning {
  vertex?: string;
  level?: number;
  /** Base64. */
  short?: string;
  detail?: string[];
  url?: string;
}

interface SolveStatus {
  vertexes?: RawVertex[];
  statuses?: RawStatus[];
  logs?: RawLog[];
  warnings?: RawWarning[];
}

/** Longest log line kept; the rest is cut so one runaway line cannot bloat the history. */
const maxLineLength = 4_000;
/** Error lines remembered for the failure message. */
const keptErrorLines = 5;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodeBase64(data: unknown): string {
  return typeof data === "string" ? Buffer.from(data, "base64").toString("utf8") : "";
}

function stepStatus(vertex: RawVertex): StepStatus | undefined {
  if (vertex.error) return "errored";
  if (vertex.cached && (vertex.completed || vertex.started)) return "cached";
  if (vertex.completed) return "completed";
  if (vertex.started) return "started";
  return undefined;
}

/**
 * Turns buildx `--progress=rawjson` output (one SolveStatus JSON per line, any other line is plain buildx text) into
 * job events: vertexes become `step` events on each change of state, statuses with a size become `bytes`, logs and
 * plain lines become `log` lines, secrets redacted. Holds only what it needs to report changes; no I/O.
 */
export class RawjsonProgress {
  private readonly secrets: string[];
  private readonly vertexState = new Map<string, StepStatus>();
  private readonly vertexNames = new Map<string, string>();
  private readonly partial = new Map<string, string>();
  private readonly bytesSeen = new Map<string, string>();
  private readonly errors: string[] = [];

  constructor(secrets: Iterable<string | undefined> = []) {
    this.secrets = [...secrets].filter((secret): secret is string => typeof secret === "string" && secret.length > 0);
  }

  private clean(text: string): string {
    const redacted = redactText(text.replace(/\r$/, ""), this.secrets);
    return redacted.length > maxLineLength ? `${redacted.slice(0, maxLineLength)}…` : redacted;
  }

  private rememberError(line: string): void {
    this.errors.push(line);
    if (this.errors.length > keptErrorLines) this.errors.shift();
  }

  /** The last error lines seen (buildx `ERROR:` lines, vertex errors), oldest first. */
  get errorLines(): readonly string[] {
    return this.errors;
  }

  /** The line a failed build is reported with: the builder's last error line. */
  failureMessage(): string | undefined {
    return this.errors.at(-1);
  }

  /** Parses one line of buildx output. */
  push(line: string): NewJobEvent[] {
    const trimmed = line.trim();
    if (trimmed === "") return [];
    let parsed: unknown;
    if (trimmed.startsWith("{")) {
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        parsed = undefined;
      }
    }
    if (!isObject(parsed)) return this.plainLine(trimmed);
    return this.solveStatus(parsed as SolveStatus);
  }

  /** Flushes log text still waiting for its newline (at the end of the build). */
  end(): NewJobEvent[] {
    const events: NewJobEvent[] = [];
    for (const [key, rest] of this.partial) {
      const [vertex = "", stream = "1"] = key.split("\u0000");
      if (rest.trim() !== "") events.push(this.logEvent(rest, Number(stream), vertex));
    }
    this.partial.clear();
    return events;
  }

  private plainLine(line: string): NewJobEvent[] {
    const text = this.clean(line);
    if (/^(ERROR|error)\b:?/.test(text) || /^failed to /i.test(text)) this.rememberError(text);
    return [{ type: "log", line: text, stream: "stderr" }];
  }

  private logEvent(text: string, stream: number, vertex: string): NewJobEvent {
    const step = this.vertexNames.get(vertex);
    return {
      type: "log",
      line: this.clean(text),
      stream: stream === 2 ? "stderr" : "stdout",
      ...(step ? { step: this.clean(step) } : {}),
    };
  }

  private solveStatus(status: SolveStatus): NewJobEvent[] {
    const events: NewJobEvent[] = [];
    for (const vertex of Array.isArray(status.vertexes) ? status.vertexes : []) {
      if (!isObject(vertex) || typeof vertex.digest !== "string") continue;
      const name = this.clean(typeof vertex.name === "string" ? vertex.name : vertex.digest);
      this.vertexNames.set(vertex.digest, name);
      const state = stepStatus(vertex);
      if (!state || this.vertexState.get(vertex.digest) === state) continue;
      this.vertexState.set(vertex.digest, state);
      if (state === "errored") {
        const error = this.clean(String(vertex.error));
        this.rememberError(error);
        events.push({ type: "step", id: vertex.digest, name, status: state, error });
      } else {
        events.push({ type: "step", id: vertex.digest, name, status: state });
      }
    }
    for (const entry of Array.isArray(status.statuses) ? status.statuses : []) {
      if (!isObject(entry) || typeof entry.id !== "string") continue;
      const total = typeof entry.total === "number" && entry.total > 0 ? entry.total : undefined;
      const done = typeof entry.current === "number" ? entry.current : 0;
      // Statuses without a size are sub-steps ("resolving", "exporting layers"): the vertex already tells it.
      if (total === undefined) continue;
      const key = `${entry.vertex ?? ""}\u0000${entry.id}`;
      const state = entry.completed ? "done" : "downloading";
      const seen = `${done}/${total}/${state}`;
      if (this.bytesSeen.get(key) === seen) continue;
      this.bytesSeen.set(key, seen);
      events.push({
        type: "bytes",
        id: `${entry.vertex ?? ""}:${entry.id}`,
        name: this.clean(typeof entry.name === "string" && entry.name ? entry.name : entry.id),
        done,
        total,
        status: state,
      });
    }
    for (const log of Array.isArray(status.logs) ? status.logs : []) {
      if (!isObject(log)) continue;
      const vertex = typeof log.vertex === "string" ? log.vertex : "";
      const stream = typeof log.stream === "number" ? log.stream : 1;
      const key = `${vertex}\u0000${stream}`;
      const text = (this.partial.get(key) ?? "") + decodeBase64(log.data);
      const lines = text.split("\n");
      const rest = lines.pop() ?? "";
      if (rest === "") this.partial.delete(key);
      else this.partial.set(key, rest);
      for (const line of lines) events.push(this.logEvent(line, stream, vertex));
    }
    for (const warning of Array.isArray(status.warnings) ? status.warnings : []) {
      if (!isObject(warning)) continue;
      const short = decodeBase64(warning.short).trim();
      if (short) events.push({ type: "log", line: this.clean(`WARNING: ${short}`), stream: "stderr" });
    }
    return events;
  }
}
