import type { PublishMode } from "@model-publisher/contract";

export interface ModeChoice {
  /** The request's own mode, when it names one. */
  requested?: PublishMode;
  /** Whether the chosen builder runs the passthrough BuildKit; undefined when it could not be told. */
  builderPassthrough?: boolean;
  /** Modes a runner is registered for. */
  available: readonly PublishMode[];
}

/**
 * The mode a publish runs in: the request's; else direct on a known passthrough builder; else native (no BuildKit
 * needed); else export, which works with any stock builder.
 */
export function chooseMode({ requested, builderPassthrough, available }: ModeChoice): PublishMode {
  if (requested) return requested;
  if (builderPassthrough === true && available.includes("direct")) return "direct";
  if (available.includes("native")) return "native";
  return "export";
}
