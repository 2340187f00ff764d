import { parseSource } from "./source.js";
import type { PublishMode, PublishRequestInput } from "./publish.js";

/** Every publish mode, in the order they are offered. */
export const allModes: readonly PublishMode[] = ["direct", "export", "native"];

/** What native mode cannot publish: sources other than the Hub, and layers other than raw; undefined when it can. */
export function nativeRefusal(request: Pick<PublishRequestInput, "source" | "layerPackaging">): string | undefined {
  const source = parseSource(request.source);
  if (!source.ok) return `Invalid source: ${source.reason}.`;
  if (source.value.kind !== "huggingface") {
    return "Native mode publishes from the Hugging Face Hub; publish an https:// file with export or direct mode.";
  }
  if (request.layerPackaging && request.layerPackaging !== "raw") {
    return `Native mode packs raw layers (one per file); use export or direct mode for ${request.layerPackaging} layers.`;
  }
  return undefined;
}

/** The mode that can publish a request without BuildKit's passthrough: native when it can, else export. */
export function fallbackMode(request: Pick<PublishRequestInput, "source" | "layerPackaging">): PublishMode {
  return nativeRefusal(request) ? "export" : "native";
}

export interface ModeInputs {
  /** The request's own mode, when it names one. */
  requested?: PublishMode;
  /** The builder a build would use, with whether it runs the passthrough BuildKit (undefined: not known). */
  builder?: { name: string; passthrough?: boolean };
  /** Modes this backend can run; default all three. */
  available?: readonly PublishMode[];
  /** False when there is no buildx at all (then only native can run). */
  buildxAvailable?: boolean;
  /** The request names a builder or a frontend image: it asks for a build, so native is not chosen for it. */
  buildRequested?: boolean;
  /** Why native mode cannot publish this request, when it cannot (see `nativeRefusal`). */
  nativeRefused?: string;
}

export interface ModeChoice {
  mode: PublishMode;
  /** One line a person reads beside the choice. */
  reason: string;
}

/**
 * The one mode rule (backend, UI and CLI): the request's mode; else direct on a builder known to pass layouts
 * through; else native (no BuildKit needed) unless the request asks for a build or native cannot publish it; else
 * export, which works with any stock builder.
 */
export function chooseMode(inputs: ModeInputs): ModeChoice {
  const available = inputs.available ?? allModes;
  const { builder, requested } = inputs;
  if (requested) return { mode: requested, reason: `You chose ${requested} mode.` };
  if (builder?.passthrough === true && available.includes("direct") && inputs.buildxAvailable !== false) {
    return {
      mode: "direct",
      reason: `Builder ${builder.name} runs the passthrough BuildKit, so it can push the artifact itself.`,
    };
  }
  if (available.includes("native") && !inputs.buildRequested) {
    if (!inputs.nativeRefused) return { mode: "native", reason: nativeReason(inputs) };
    return { mode: "export", reason: `${inputs.nativeRefused} Export mode builds it with any builder.` };
  }
  return { mode: "export", reason: "Any builder builds the artifact with AIKit; the backend then pushes it." };
}

function nativeReason({ builder, buildxAvailable }: ModeInputs): string {
  if (buildxAvailable === false) return "No buildx here, so the backend streams the files from the Hub itself.";
  if (!builder) return "No builder is set up, so the backend streams the files from the Hub itself.";
  return `Builder ${builder.name} cannot push artifacts as-is, so the backend streams the files from the Hub itself.`;
}

/** What each mode does, in one line. */
export const modeHelp: Record<PublishMode, string> = {
  native: "The backend streams each file from the Hub into the registry, verifying it on the way. No BuildKit needed.",
  direct: "A builder running the passthrough BuildKit builds with AIKit and pushes the artifact as-is.",
  export: "Any builder builds with AIKit and writes the layout to disk; the backend then pushes it.",
};
