import { fallbackMode, type Job, type PublishRequestInput } from "@model-publisher/contract";

export interface RetryAction {
  label: string;
  request: PublishRequestInput;
}

/**
 * What a finished job that did not publish offers: the same request again (its mode as the user left it, so an
 * automatic choice is made afresh), and, when the builder could not push the artifact as-is, the request in the mode
 * that can (native, or export for what native cannot do), offered first; after a failed build or builder, native
 * mode as well when the request allows it. None for a job that succeeded or still runs.
 */
export function retryActions(job: Job): RetryAction[] {
  if (job.state !== "failed" && job.state !== "canceled" && job.state !== "interrupted") return [];
  const again: RetryAction = { label: "Publish again", request: job.request };
  const code = job.error?.code ?? "";
  const mode = fallbackMode(job.request);
  const { builder: _builder, frontendImage: _frontend, ...rest } = job.request;
  const other: RetryAction = {
    label: `Publish in ${mode} mode`,
    request: mode === "native" ? { ...rest, mode } : { ...job.request, mode },
  };
  // The same builder would push a plain image again: the mode that can publish it comes first.
  if (code === "builder_not_passthrough") return [other, again];
  // A build or builder that failed: the same again, or without BuildKit when the request allows it.
  const buildTrouble = ["build_failed", "builder_error", "builder_not_found", "buildx_unavailable"].includes(code);
  if (buildTrouble && job.mode !== "native" && mode === "native") return [again, other];
  return [again];
}
