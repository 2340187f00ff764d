import type { ErrorCode } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { retryAfterHeaderSeconds } from "../retry-after.js";

/** One entry of a registry's `{"errors": [...]}` body (distribution spec). */
export interface RegistryErrorEntry {
  code: string;
  message?: string;
}

/**
 * A registry failure: the contract code callers branch on (and a route answers with), plus the wire facts the retry
 * and resume logic read. Those facts never reach an answer: the envelope carries the code and message only.
 */
export class RegistryError extends ContractError {
  constructor(
    code: ErrorCode,
    message: string,
    /** The HTTP status the registry answered (not the status a route answers with: that is `status`). */
    readonly registryStatus?: number,
    readonly registryCodes: string[] = [],
    /** True for failures worth another attempt (5xx, 429, connection reset). */
    readonly retryable = false,
    /** From a 429/503 `Retry-After` header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
    this.name = "RegistryError";
  }
}

/** Parses the registry's error body; anything else gives an empty list. */
export function parseErrorBody(text: string): RegistryErrorEntry[] {
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "errors" in body && Array.isArray(body.errors)) {
      return body.errors
        .filter(
          (e): e is { code: string; message?: unknown } => !!e && typeof e === "object" && typeof e.code === "string",
        )
        .map((e) => ({ code: e.code, ...(typeof e.message === "string" ? { message: e.message } : {}) }));
    }
  } catch {
    // not JSON: a proxy page or an empty body
  }
  return [];
}

const notFoundCodes = new Set(["MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN", "TAG_INVALID"]);

/** Maps a status and the registry's codes to the contract code. */
export function contractCode(status: number, codes: string[]): ErrorCode {
  if (status === 401 || codes.includes("UNAUTHORIZED")) return "registry_unauthorized";
  if (status === 403 || codes.includes("DENIED")) return "registry_denied";
  if (status === 404 && (codes.length === 0 || codes.some((c) => notFoundCodes.has(c)))) return "manifest_not_found";
  if (status === 408 || status === 429 || status >= 500) return "registry_unreachable";
  return "registry_error";
}

/** 408 (the server gave up waiting), 429 and the 5xx that may pass: worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Turns a non-success answer into a typed error; `what` names the operation for the message. */
export async function errorFromResponse(res: Response, what: string): Promise<RegistryError> {
  const text = await res.text().catch(() => "");
  const entries = parseErrorBody(text);
  const codes = entries.map((e) => e.code);
  const code = contractCode(res.status, codes);
  const detail = entries[0]?.message ?? entries[0]?.code ?? res.statusText;
  const lead: Record<string, string> = {
    registry_unauthorized: "The registry needs credentials: log in to it first",
    registry_denied: "The registry refused access with these credentials",
    manifest_not_found: "The registry has no such manifest or repository",
    registry_unreachable: "The registry is unavailable",
    registry_error: "The registry rejected the request",
  };
  return new RegistryError(
    code,
    `${lead[code] ?? "The registry failed"} (${what}: HTTP ${res.status}${detail ? `, ${detail}` : ""}).`,
    res.status,
    codes,
    isRetryableStatus(res.status),
    retryAfterHeaderSeconds(res.headers.get("retry-after")),
  );
}

/** A network-level failure (refused, reset, DNS): worth a retry, then `registry_unreachable`. */
export function networkError(err: unknown, what: string): RegistryError {
  // A stall caught by the stall guard already says what happened.
  if (err instanceof RegistryError) return err;
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const detail =
    cause && typeof cause === "object" && "code" in cause && typeof cause.code === "string"
      ? cause.code
      : cause instanceof Error
        ? cause.message
        : String(cause);
  return new RegistryError(
    "registry_unreachable",
    `Could not reach the registry (${what}: ${detail}).`,
    undefined,
    [],
    true,
  );
}

export function canceledError(): RegistryError {
  return new RegistryError("canceled", "The push was canceled.");
}
