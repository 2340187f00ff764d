import type { FileKind } from "@model-publisher/contract";

/** Above this an unrecognised file counts as a weight (SPEC.md › Output). */
export const unknownWeightThreshold = 10 * 1024 * 1024;

/** AIKit's classes in its order; the first whose basename pattern matches wins. */
const classes: Array<{ kind: FileKind; patterns: RegExp[] }> = [
  { kind: "weight", patterns: [/\.(safetensors|bin|gguf|pt|ckpt)$/] },
  { kind: "doc", patterns: [/^readme/, /^license/, /\.md$/] },
  { kind: "weight.config", patterns: [/\.(json|txt)$/] },
  { kind: "code", patterns: [/\.(py|sh|ipynb|go|js|ts)$/] },
  { kind: "dataset", patterns: [/\.(csv|tsv|jsonl|parquet|arrow|h5|npz)$/] },
];

/** The ModelPack layer kind AIKit gives a repo file, from its lower-cased basename and size. */
export function classifyFile(path: string, size: number): FileKind {
  const base = (path.split("/").pop() ?? path).toLowerCase();
  for (const { kind, patterns } of classes) {
    if (patterns.some((pattern) => pattern.test(base))) return kind;
  }
  return size > unknownWeightThreshold ? "weight" : "weight.config";
}
