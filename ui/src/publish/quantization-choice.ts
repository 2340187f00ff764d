import { keptWithQuantization, QuantizationName, type ModelFile, type Quantization } from "@model-publisher/contract";

/** The variant `docker model pull hf.co/<repo>` and llama.cpp's `-hf` take when no tag names one. */
export const defaultQuantization = "Q4_K_M";

/**
 * The variant the card starts with: `Q4_K_M` when the repo has it, else its only variant, else the one whose file
 * comes first in the Hub's Files view (paths in byte order). That is Docker Model Runner's own choice for a Hub GGUF
 * repo, so what is published by default is what `docker model pull hf.co/<repo>` would run; the smallest variant is
 * usually a 1–2-bit quant too lossy to be a good default. Undefined for a repo without GGUF variants.
 */
export function preselectedQuantization(quantizations: readonly Quantization[]): string | undefined {
  const named = quantizations.find((q) => q.name === defaultQuantization);
  if (named) return named.name;
  let first: { name: string; path: string } | undefined;
  for (const q of quantizations) {
    for (const path of q.files) if (!first || path < first.path) first = { name: q.name, path };
  }
  return first?.name;
}

/** The files the file tree unticks for a variant: every GGUF file publishing it leaves out. */
export function excludedForQuantization(files: readonly ModelFile[], variant: Quantization): Set<string> {
  return new Set(files.filter((f) => !keptWithQuantization(f.path, variant.files)).map((f) => f.path));
}

/** What the request says about files: the variant (when the ticks are within it) and the paths to exclude. */
export interface FileChoice {
  quantization?: string;
  /** Paths for `exclude`, less those the variant leaves out anyway. */
  excluded: Set<string>;
}

/**
 * The smallest request for the ticked files. The backend keeps the variant's files first, then applies `exclude`, so
 * while every file the variant leaves out is unticked the request names the variant and excludes only the further
 * unticked files. Once a file of another variant is ticked again, no one variant describes the ticks: the request
 * names none and excludes every unticked file, as for a repo without variants (so does a variant whose name the
 * request cannot carry, or whose own files are all unticked).
 */
export function fileChoice(
  files: readonly ModelFile[],
  quantizations: readonly Quantization[],
  chosen: string | undefined,
  excluded: ReadonlySet<string>,
): FileChoice {
  const variant = quantizations.find((q) => q.name === chosen);
  if (!variant || !QuantizationName.safeParse(variant.name).success) return { excluded: new Set(excluded) };
  const leftOut = excludedForQuantization(files, variant);
  if ([...leftOut].some((path) => !excluded.has(path))) return { excluded: new Set(excluded) };
  // With the variant's own files unticked too, the backend would refuse the variant: the ticks alone say it.
  if (variant.files.every((path) => excluded.has(path))) return { excluded: new Set(excluded) };
  return { quantization: variant.name, excluded: new Set([...excluded].filter((path) => !leftOut.has(path))) };
}

/** A tag from a variant's name: lower-case (`UD-Q4_K_XL` → `ud-q4_k_xl`), other characters (`/`) made `-`. */
export function quantizationTag(name: string): string {
  const tag = name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[.-]+/, "")
    .slice(0, 128);
  return tag || "latest";
}

/** The reference with its tag replaced (or added). */
export function withTag(reference: string, tag: string): string {
  const name = reference.replace(/@.*$/, "");
  const colon = name.lastIndexOf(":");
  return `${colon > name.lastIndexOf("/") ? name.slice(0, colon) : name}:${tag}`;
}
