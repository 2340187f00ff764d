import { parseReference } from "@model-publisher/contract";

/** The pushed artifact pinned by digest, so the report shows exactly what this job wrote. */
export function pinnedReference(reference: string, digest: string): string {
  const parsed = parseReference(reference);
  if (!parsed.ok) return reference;
  return `${parsed.value.registry}/${parsed.value.repository}@${digest}`;
}
