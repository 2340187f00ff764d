import type { Quantization } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { filesOfQuantization, ggufQuantizations, type SizedPath } from "../hub/gguf-variants.js";
import { excludeFiles } from "./native/exclude-files.js";

/** What publishing one GGUF variant of a repo takes from its file list. */
export interface QuantizationFiles<F extends SizedPath> {
  /** The variant as `GET /models/{ns}/{name}` answers it. */
  variant: Quantization;
  /** What the publish holds: the variant's files, every projector and every non-GGUF file, less `exclude`. */
  kept: F[];
  /** The other variants' files: what the choice leaves out. */
  others: F[];
}

/** Names in a refusal: enough to choose from, not a wall of text. */
const namesShown = 40;

/**
 * The files a publish of variant `name` takes (`filesOfQuantization`, less the request's `exclude`). Throws 400
 * `invalid_request` naming the variants there are when the repo has no such variant, and when `exclude` leaves none
 * of the variant's own files.
 */
export function quantizationFiles<F extends SizedPath>(
  files: F[],
  name: string,
  exclude: readonly string[],
  repo: string,
): QuantizationFiles<F> {
  const variants = ggufQuantizations(files);
  const variant = variants.find((q) => q.name === name);
  const chosen = variant && filesOfQuantization(files, name);
  if (!variant || !chosen) throw unknownQuantization(repo, name, variants);
  const kept = excludeFiles(chosen, exclude);
  const own = new Set(variant.files);
  if (!kept.some((file) => own.has(file.path))) {
    throw new ContractError(
      "invalid_request",
      `The exclude patterns leave none of the files of ${name} (${variant.files.join(", ")}) to publish.`,
      { quantization: name },
    );
  }
  const taken = new Set(chosen.map((file) => file.path));
  return { variant, kept, others: files.filter((file) => !taken.has(file.path)) };
}

function unknownQuantization(repo: string, name: string, variants: Quantization[]): ContractError {
  const names = variants.map((q) => q.name);
  const listed = names.slice(0, namesShown).join(", ") + (names.length > namesShown ? ", …" : "");
  const message =
    names.length === 0
      ? `${repo} has no GGUF variants, so there is no ${name} to choose; publish it without a quantization.`
      : `${repo} has no GGUF variant ${name}; its variants are ${listed}.`;
  return new ContractError("invalid_request", message, { quantization: name, quantizations: names });
}
