import { ErrorEnvelope } from "@model-publisher/contract";

/** What comes back from the backend, in either transport, made into one shape (pure, so it is tested in node). */

/** A failed backend call, carrying the contract's error envelope. */
export class BackendError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "BackendError";
  }
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** Desktop may wrap answers as `{data: …}` (and sometimes as a JSON string): unwrap here and only here. */
export function unwrapAnswer(value: unknown): unknown {
  let answer = parseJsonText(value);
  if (isRecord(answer) && Object.keys(answer).length === 1 && "data" in answer) answer = parseJsonText(answer.data);
  return answer;
}

/** Finds the contract's error envelope in whatever shape the transport handed back. */
export function toBackendError(raw: unknown, status = 0): BackendError {
  const candidates: unknown[] = [raw];
  if (isRecord(raw)) candidates.push(raw.data, raw.body, parseJsonText(raw.message));
  if (raw instanceof Error) candidates.push(parseJsonText(raw.message));
  for (const candidate of candidates) {
    const parsed = ErrorEnvelope.safeParse(unwrapAnswer(candidate));
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new BackendError(code, message, statusOf(raw) ?? status, details);
    }
  }
  // No HTTP status at all means no answer came back.
  const finalStatus = statusOf(raw) ?? status;
  const code = finalStatus === 0 ? "backend_unreachable" : "internal";
  const message =
    code === "backend_unreachable"
      ? "The Model Publisher backend did not answer; check that it is running."
      : "The backend answered with an error it did not explain.";
  return new BackendError(code, message, finalStatus);
}

function statusOf(raw: unknown): number | undefined {
  if (isRecord(raw) && typeof raw.statusCode === "number") return raw.statusCode;
  return undefined;
}
