import { isProjectorFile, keptWithQuantization, type Quantization } from "@model-publisher/contract";

/** A repo file as variant grouping needs it. */
export interface SizedPath {
  path: string;
  size: number;
}

const ggufExtension = /\.gguf$/i;
/** llama.cpp's `gguf-split` names: `<stem>-00001-of-00003.gguf`. */
const shardSuffix = /-(\d+)-of-(\d+)$/i;
/** Calibration data some quantizers upload beside the weights; never something to run. */
const imatrixName = /(?:^|[-_.])imatrix(?:[-_.]|$)/i;
/**
 * A quantization token between `-`, `_`, `.` or the ends of a name: k- and i-quants (`Q4_K_M`, `IQ2_XXS`, `Q4_0_4_4`,
 * `Q8_K_XL`, `Q8_0_H`), ternary (`TQ1_0`), float types (`BF16`, `F16`, `FP16`, `F32`), `MXFP4`, BitNet's `I2_S`,
 * `TL1`, `TL2`; Unsloth's dynamic quants carry `UD-` in front.
 */
const quantToken =
  /(?:^|[-_.])((?:UD-)?(?:I?Q[1-8](?:_[A-Z0-9]+)*|TQ[12]_[0-9]|MXFP4(?:_MOE)?|BF16|FP?16|FP?32|F64|I2_S|TL[12]))(?=$|[-.])/gi;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export { isProjectorFile };

/** A GGUF file that is (part of) a weight set one can choose: not a projector, not an importance matrix. */
function isVariantFile(path: string): boolean {
  return ggufExtension.test(path) && !isProjectorFile(path) && !imatrixName.test(baseName(path));
}

/** The last quantization token in a name, upper-case; the last, as `DeepSeek-R1-BF16-256x20B-Q8_0` is a Q8_0. */
export function quantizationIn(name: string): string | undefined {
  let last: string | undefined;
  for (const match of name.matchAll(quantToken)) last = match[1];
  return last?.toUpperCase();
}

interface FileSet {
  /** The folder, with its trailing `/`, or `""` at the top. */
  dir: string;
  /** The file name without `.gguf` and without the shard suffix. */
  stem: string;
  shards: Array<{ file: SizedPath; index: number }>;
}

function groupSets(files: SizedPath[]): FileSet[] {
  const sets = new Map<string, FileSet>();
  for (const file of files) {
    if (!isVariantFile(file.path)) continue;
    const dir = file.path.slice(0, file.path.lastIndexOf("/") + 1);
    const base = baseName(file.path).replace(ggufExtension, "");
    const shard = shardSuffix.exec(base);
    const stem = shard ? base.slice(0, shard.index) : base;
    const set = sets.get(dir + stem) ?? { dir, stem, shards: [] };
    set.shards.push({ file, index: shard ? Number(shard[1]) : 0 });
    sets.set(dir + stem, set);
  }
  return [...sets.values()];
}

/** The set's own name: the file name's quantization, else its folder's (nearest first), else the stem as written. */
function preferredName(set: FileSet): string {
  const folders = set.dir.split("/").filter(Boolean).reverse();
  for (const name of [set.stem, ...folders]) {
    const quant = quantizationIn(name);
    if (quant) return quant;
  }
  return set.stem;
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The GGUF variants of a repo from its file names. A variant is one file, or the shards of one (`-00001-of-00003`,
 * same folder and stem); it is named by the quantization the file name says (its folder's when the name says none,
 * the stem as written when neither does). Projectors and importance matrices are no variant. A name that several
 * sets would share (two models quantized alike in one repo) gives way to each set's path without `.gguf`, so a name
 * always picks exactly one weight set. Smallest first, then by name in byte order.
 */
export function ggufQuantizations(files: SizedPath[]): Quantization[] {
  const sets = groupSets(files).map((set) => ({ set, name: preferredName(set) }));
  const uses = new Map<string, number>();
  for (const { name } of sets) uses.set(name, (uses.get(name) ?? 0) + 1);
  return sets
    .map(({ set, name }) => {
      const shards = set.shards.sort((a, b) => a.index - b.index || byteOrder(a.file.path, b.file.path));
      return {
        name: (uses.get(name) ?? 0) > 1 ? set.dir + set.stem : name,
        files: shards.map(({ file }) => file.path),
        size: shards.reduce((sum, { file }) => sum + file.size, 0),
      };
    })
    .sort((a, b) => a.size - b.size || byteOrder(a.name, b.name));
}

/**
 * What publishing one variant takes from the repo: that variant's files, every projector and every non-GGUF file;
 * undefined when the repo has no variant of that name.
 */
export function filesOfQuantization<F extends SizedPath>(files: F[], name: string): F[] | undefined {
  const variant = ggufQuantizations(files).find((q) => q.name === name);
  if (!variant) return undefined;
  return files.filter((f) => keptWithQuantization(f.path, variant.files));
}

/**
 * The quantization a set of published files holds: the name of its one GGUF variant when the name is a quantization
 * (`Q4_K_M`, `BF16`); undefined for no variant, several, or a set named only by its file stem.
 */
export function publishedQuantization(files: SizedPath[]): string | undefined {
  const variants = ggufQuantizations(files);
  const name = variants.length === 1 ? variants[0]?.name : undefined;
  return name !== undefined && quantizationIn(name) === name ? name : undefined;
}
