import { HubApiError, InvalidApiResponseFormatError } from "@huggingface/hub";
import { ContractError } from "../errors.js";
import { retryAfterHeaderSeconds } from "../retry-after.js";
import type { HubFailure } from "./hub-fetch.js";

/** What a Hub error is about, for a message a person can act on. */
export interface HubErrorContext {
  /** `namespace/name`, when the call was about one model. */
  modelId?: string;
  revision?: string;
  /** Whether a token was sent. */
  tokenSet: boolean;
  timeoutMs: number;
  /** The raw answer, when there was one. */
  failure?: HubFailure;
}

/**
 * Seconds until a retry may succeed: `Retry-After` (seconds or HTTP date), else the `t=` (or `reset=`) of the
 * IETF `RateLimit` header the Hub sends, else `RateLimit-Reset`.
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = retryAfterHeaderSeconds(headers.get("retry-after"), now);
  if (retryAfter !== undefined) return retryAfter;
  const rateLimit = headers.get("ratelimit");
  const fromRateLimit = rateLimit ? /(?:^|[;,\s])(?:t|reset)=(\d+)/.exec(rateLimit)?.[1] : undefined;
  if (fromRateLimit) return Number(fromRateLimit);
  const reset = headers.get("ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Number(reset);
  return undefined;
}

function isNetworkFailure(err: unknown): err is Error {
  if (!(err instanceof Error)) return false;
  return (
    err.name === "TimeoutError" || err.name === "AbortError" || (err instanceof TypeError && /fetch/i.test(err.message))
  );
}

/** Turns anything a Hub call threw into the contract's error: codes of API.md, never the token, never a stack. */
export function hubError(err: unknown, context: HubErrorContext): ContractError {
  if (err instanceof ContractError) return err;
  const model = context.modelId ? `Model ${context.modelId}` : "The model";
  if (isNetworkFailure(err)) {
    const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
    const message = timedOut
      ? `The Hugging Face Hub did not answer within ${Math.round(context.timeoutMs / 1000)} seconds; try again later.`
      : "The Hugging Face Hub could not be reached; check the network or HF_ENDPOINT.";
    return new ContractError("hub_unreachable", message, { reason: timedOut ? "timeout" : "network" });
  }
  if (err instanceof InvalidApiResponseFormatError) {
    return new ContractError(
      "hub_unreachable",
      "The Hugging Face Hub answered in an unexpected form; try again later.",
    );
  }
  if (!(err instanceof HubApiError)) throw err;

  const status = err.statusCode;
  const errorCode = context.failure?.status === status ? context.failure.headers.get("x-error-code") : null;
  if (status === 429) {
    // The Hub's own hint when it gave one, else a minute: the contract always answers a number to wait.
    const seconds = (context.failure ? retryAfterSeconds(context.failure.headers) : undefined) ?? 60;
    return new ContractError(
      "hub_rate_limited",
      `The Hugging Face Hub is rate-limiting requests; try again in ${seconds} seconds.`,
      { retryAfterSeconds: seconds },
    );
  }
  if (errorCode === "GatedRepo" || (status === 403 && errorCode !== "RepoNotFound")) {
    const message = context.tokenSet
      ? `${model} is gated and the stored Hugging Face token has no access to it; request access on the Hub, or add a token with access in Settings.`
      : `${model} is gated; add a Hugging Face token with access to it in Settings.`;
    return new ContractError("gated_model", message, { ...(context.modelId ? { id: context.modelId } : {}) });
  }
  if (status === 401 && !errorCode && context.tokenSet) {
    return new ContractError(
      "gated_model",
      "The Hugging Face Hub refused the token (stored in Settings or from HF_TOKEN); add a valid token in Settings.",
      {
        reason: "invalid_token",
      },
    );
  }
  if (status === 401 || status === 404) {
    if (errorCode === "RevisionNotFound") {
      return new ContractError(
        "model_not_found",
        `${model} has no revision ${context.revision ?? ""} on the Hub.`.replace(" .", "."),
        {
          ...(context.revision ? { revision: context.revision } : {}),
        },
      );
    }
    const hint = context.tokenSet ? "" : " If it is private, add a Hugging Face token with access in Settings.";
    return new ContractError("model_not_found", `${model} was not found on the Hugging Face Hub.${hint}`, {
      ...(context.modelId ? { id: context.modelId } : {}),
    });
  }
  return new ContractError("hub_unreachable", `The Hugging Face Hub answered with HTTP ${status}; try again later.`, {
    status,
  });
}
