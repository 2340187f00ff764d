import type { z } from "zod";
import { ApiError } from "./errors.js";

/** Parses input with a contract schema; a failure is a 400 whose code comes from the failing refinement when it names one. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "request"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const coded = result.error.issues.find((issue) => issue.code === "custom" && typeof issue.params?.code === "string");
  const code =
    coded?.code === "custom" && coded.params?.code === "invalid_reference" ? "invalid_reference" : "invalid_request";
  const first = issues[0];
  const message = first
    ? `Invalid ${what}: ${first.path ? `${first.path}: ` : ""}${first.message}.`
    : `Invalid ${what}.`;
  throw new ApiError(code, message, { issues });
}
