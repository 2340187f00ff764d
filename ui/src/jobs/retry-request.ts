import { fallbackMode, type Job, type PublishRequest, type PublishRequestInput } from "@model-publisher/contract";
import { partialPublish } from "./target-outcome.js";

export interface RetryAction {
  label: string;
  request: PublishRequestInput;
}

/**
 * A recorded request as a client sends it: parsing fills `reference` in beside `references`, which the contract
 * refuses together, so a several-target request goes back with `references` alone.
 */
export function requestAsSent(request: PublishRequest): PublishRequestInput {
  if (!request.references) return request;
  const { reference: _first, ...rest } = request;
  return rest;
}

/** The request aimed at `targets` only: `reference` for one, `references` for several. */
function toTargets(request: PublishRequest, targets: string[]): PublishRequestInput {
  const { reference: _first, references: _all, ...rest } = request;
  return targets.length === 1 ? { ...rest, reference: targets[0] } : { ...rest, references: targets };
}

/**
 * What a finished job that did not publish offers: the same request again (its mode as the user left it, so an
 * automatic choice is made afresh), and, when the builder could not push the artifact as-is, the request in the mode
 * that can (native, or export for what native cannot do), offered first; after a failed build or builder, native
 * mode as well when the request allows it; after a partial publish, the failed targets alone, first. None for a job
 * that succeeded or still runs.
 */
export function retryActions(job: Job): RetryAction[] {
  if (job.state !== "failed" && job.state !== "canceled" && job.state !== "interrupted") return [];
  const sent = requestAsSent(job.request);
  const again: RetryAction = { label: "Publish again", request: sent };
  const partial = partialPublish(job);
  if (partial) {
    const label =
      partial.failed.length === 1 ? "Publish again to the failed target" : "Publish again to the failed targets";
    return [{ label, request: toTargets(job.request, partial.failed) }, again];
  }
  const code = job.error?.code ?? "";
  const mode = fallbackMode(job.request);
  const { builder: _builder, frontendImage: _frontend, ...rest } = sent;
  const other: RetryAction = {
    label: `Publish in ${mode} mode`,
    request: mode === "native" ? { ...rest, mode } : { ...sent, mode },
  };
  // The same builder would push a plain image again: the mode that can publish it comes first.
  if (code === "builder_not_passthrough") return [other, again];
  // A build or builder that failed: the same again, or without BuildKit when the request allows it.
  const buildTrouble = ["build_failed", "builder_error", "builder_not_found", "buildx_unavailable"].includes(code);
  if (buildTrouble && job.mode !== "native" && mode === "native") return [again, other];
  return [again];
}
