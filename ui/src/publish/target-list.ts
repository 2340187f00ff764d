import {
  maxPublishTargets,
  parseReference,
  publishTargets,
  PublishRequest,
  type PublishRequestInput,
} from "@model-publisher/contract";

/** The request's target fields: `reference` for one target, as a one-target publish has always been sent; else `references`. */
export function targetFields(
  first: string,
  more: readonly string[],
): Pick<PublishRequestInput, "reference" | "references"> {
  const all = [first, ...more].map((text) => text.trim());
  return all.length === 1 ? { reference: all[0] } : { references: all };
}

/** A target field as typed: its normalised form, or what is wrong with it (none yet for a field left empty). */
export type TargetCheck =
  | { ok: true; normalized: string }
  | { ok: false; problem?: string; /** The index of the earlier target naming the same place. */ duplicateOf?: number };

/** Each target field in order; a field naming the same place as an earlier one says which. */
export function checkTargets(texts: readonly string[]): TargetCheck[] {
  const seen = new Map<string, number>();
  return texts.map((text, index): TargetCheck => {
    if (!text.trim()) return { ok: false };
    const parsed = parseReference(text.trim());
    if (!parsed.ok) return { ok: false, problem: parsed.reason };
    if (!parsed.value.tag) return { ok: false, problem: "add a tag to publish to (registry/repository:tag)" };
    const { normalized } = parsed.value;
    const earlier = seen.get(normalized);
    if (earlier !== undefined) {
      return { ok: false, problem: `the same place as target ${earlier + 1} (${normalized})`, duplicateOf: earlier };
    }
    seen.set(normalized, index);
    return { ok: true, normalized };
  });
}

/** Why no further target can be added; undefined while one can. */
export function addTargetBlocked(count: number): string | undefined {
  return count >= maxPublishTargets ? `A publish goes to at most ${maxPublishTargets} targets.` : undefined;
}

/**
 * The request as the form checks it: the contract's rules, and no two targets naming the same place however they are
 * written (`tiny` and `docker.io/library/tiny:latest`).
 */
export const FormPublishRequest = PublishRequest.superRefine((request, ctx) => {
  const targets = publishTargets(request);
  if (targets.length < 2) return;
  checkTargets(targets).forEach((check, index) => {
    if (!check.ok && check.duplicateOf !== undefined && check.problem) {
      ctx.addIssue({ code: "custom", path: ["references", index], message: check.problem });
    }
  });
});
