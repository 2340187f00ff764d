import { phaseStepPrefix } from "@model-publisher/contract";
import type { PhaseStep } from "./phase-step.js";
import { settleAll } from "./target-results.js";

/** A phase as one target's own step in a several-target publish (each target keeps its own steps). */
export function targetStepEvent(phase: PhaseStep, target: string | undefined) {
  return { type: "step", id: `${phaseStepPrefix}${phase.id}`, name: phase.name, target } as const;
}

/**
 * Runs `work` for each item, grouped by the registry `registryOf` names: the first of each registry at once, the
 * others of a registry after it, one by one, so what the first one pushed is there for them to mount. Every group
 * settles before a failure is thrown (no registry is left mid-push).
 */
export async function eachByRegistry<T>(
  items: readonly T[],
  registryOf: (item: T) => string,
  work: (item: T) => Promise<unknown>,
): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(registryOf(item), [...(groups.get(registryOf(item)) ?? []), item]);
  await settleAll(
    [...groups.values()].map(async (group) => {
      for (const item of group) await work(item);
    }),
  );
}
