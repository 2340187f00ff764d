import type { z } from "zod";
import { ContractError } from "../errors.js";

/** Parses input with a contract schema; a failure is a 400 whose code comes from the failing refinement when it names one. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "request"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // The zod issues themselves (code, path as an array, message and the check's own fields), never the input.
  const issues = result.error.issues.map((issue) => {
    const { input: _input, ...rest } = issue as typeof issue & { input?: unknown };
    return { ...rest, path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)) };
  });
  const coded = result.error.issues.find((issue) => issue.code === "custom" && typeof issue.params?.code === "string");
  const code =
    coded?.code === "custom" && coded.params?.code === "invalid_reference" ? "invalid_reference" : "invalid_request";
  const first = issues[0];
  const message = first
    ? `Invalid ${what}: ${first.path.length > 0 ? `${first.path.join(".")}: ` : ""}${first.message}.`
    : `Invalid ${what}.`;
  throw new ContractError(code, message, { issues });
}

/**
 * Parses a query string with a contract schema. A parameter given empty (`?limit=&sort=`, as a client filling a URL
 * template sends it) counts as left out, so its default applies; unknown or repeated parameters still answer 400.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown, what = "query"): z.infer<S> {
  const given = query && typeof query === "object" ? (query as Record<string, unknown>) : {};
  return parseInput(schema, Object.fromEntries(Object.entries(given).filter(([, value]) => value !== "")), what);
}
