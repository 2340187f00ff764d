import {
  chooseMode,
  nativeRefusal,
  parseReference,
  publishTargets,
  type Job,
  type PublishMode,
  type PublishRequest,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { checkQuantization } from "./check-quantization.js";
import type { PublishServices } from "./publish-services.js";

export interface Admitted {
  /** The job as queued. */
  job: Job;
  mode: PublishMode;
}

/**
 * The one way a publish gets in (the route and the CLI alike): the default builder filled in, the builder probed for
 * passthrough when the request names no mode, the mode chosen by the contract's rule, the mode's availability and
 * refusal checked, a requested GGUF variant checked against the repo's files, the builder checked for a build,
 * then the job queued. Throws a `ContractError` before any job exists when the publish cannot start.
 */
export async function admitPublish(
  services: PublishServices,
  request: PublishRequest,
  /** The request as the caller sent it (what the job records); default the request itself. */
  asSent: PublishRequestInput = request,
): Promise<Admitted> {
  const { queue } = services;
  refuseSameTarget(request);
  const builder = request.builder ?? services.defaultBuilder?.();
  const filled: PublishRequest = builder ? { ...request, builder } : request;
  const mode = await modeOf(services, filled, asSent);
  if (!queue.hasRunner(mode)) {
    throw new ContractError(
      "invalid_request",
      `The ${mode} mode is not available in this version; use direct or export.`,
    );
  }
  const refused = mode === "native" ? nativeRefusal(filled) : undefined;
  if (refused) throw new ContractError("invalid_request", refused);
  await checkQuantization(services, filled);
  if ((mode === "direct" || mode === "export") && services.checkBuilder) await services.checkBuilder(builder);
  return { job: queue.submit(filled, mode, asSent), mode };
}

async function modeOf(
  services: PublishServices,
  request: PublishRequest,
  asSent: PublishRequestInput,
): Promise<PublishMode> {
  const available = services.queue.modes;
  let passthrough: boolean | undefined;
  if (!request.mode && services.builderPassthrough) {
    passthrough = await services.builderPassthrough(request.builder).catch(() => undefined);
  }
  return chooseMode({
    requested: request.mode,
    // Unnamed, the probe asks about buildx's current builder.
    builder: { name: request.builder ?? "the current builder", passthrough },
    available,
    // What was sent counts: a default builder filled in here is no request for a build.
    buildRequested: asSent.builder !== undefined || asSent.frontendImage !== undefined,
    nativeRefused: available.includes("native") ? nativeRefusal(request) : undefined,
  }).mode;
}

/** Two references that name one repository and tag in different spellings (`x:1`, `docker.io/library/x:1`). */
function refuseSameTarget(request: PublishRequest): void {
  const seen = new Map<string, string>();
  for (const target of publishTargets(request)) {
    const parsed = parseReference(target);
    if (!parsed.ok) continue;
    const same = seen.get(parsed.value.normalized);
    if (same !== undefined) {
      throw new ContractError(
        "invalid_request",
        `Invalid request: references: ${same} and ${target} name the same target ${parsed.value.normalized}.`,
      );
    }
    seen.set(parsed.value.normalized, target);
  }
}
