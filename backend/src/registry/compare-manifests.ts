import type { CompareResponse } from "@model-publisher/contract";

type Difference = CompareResponse["differences"][number];

/** RFC 6901 escaping of one path segment. */
function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function walk(left: unknown, right: unknown, path: string, out: Difference[]): void {
  if (Array.isArray(left) && Array.isArray(right)) {
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const p = `${path}/${i}`;
      if (i >= left.length) out.push({ path: p, right: right[i] });
      else if (i >= right.length) out.push({ path: p, left: left[i] });
      else walk(left[i], right[i], p, out);
    }
    return;
  }
  if (isObject(left) && isObject(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    for (const key of keys) {
      const p = `${path}/${escapeSegment(key)}`;
      if (!(key in left)) out.push({ path: p, right: right[key] });
      else if (!(key in right)) out.push({ path: p, left: left[key] });
      else walk(left[key], right[key], p, out);
    }
    return;
  }
  if (!Object.is(left, right)) out.push({ path: path, left, right });
}

/** The JSON-pointer differences between two manifests ("manifest matches exactly" when none). */
export function compareManifests(left: unknown, right: unknown): CompareResponse {
  const differences: Difference[] = [];
  walk(left, right, "", differences);
  return { identical: differences.length === 0, differences };
}
