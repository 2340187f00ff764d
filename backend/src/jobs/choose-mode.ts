import type { PublishMode } from "@model-publisher/contract";

export interface ModeChoice {
  /** The request's own mode, when it names one. */
  requested?: PublishMode;
  /** Whether the chosen builder runs the passthrough BuildKit; undefined when it could not be told. */
  builderPassthrough?: boolean;
  /** Modes a runner is registered for. */
  available: readonly PublishMode[];
  /** The request names a builder or a frontend image: it asks for a build, so native is not chosen for it. */
  buildRequested?: boolean;
}

/**
 * The mode a publish runs in: the request's; else direct on a known passthrough builder; else native (no BuildKit
 * needed) unless the request names a builder or frontend image; else export, which works with any stock builder.
 */
export function chooseMode({ requested, builderPassthrough, available, buildRequested }: ModeChoice): PublishMode {
  if (requested) return requested;
  if (builderPassthrough === true && available.includes("direct")) return "direct";
  if (!buildRequested && available.includes("native")) return "native";
  return "export";
}
