import type { ModelFile } from "@model-publisher/contract";

/** The ModelPack config blob (model-spec `config-schema.json`): the fields we can fill from the Hub. */
export interface ModelpackConfig {
  descriptor: {
    name: string;
    createdAt: string;
    sourceURL?: string;
    revision?: string;
    licenses?: string[];
    authors?: string[];
    vendor?: string;
  };
  config: {
    architecture?: string;
    format?: string;
    paramSize?: string;
    quantization?: string;
  };
  modelfs: { type: "layers"; diffIds: string[] };
}

export interface ModelConfigInput {
  /** Hub id `namespace/name`. */
  repo: string;
  /** The resolved commit. */
  commit: string;
  /** Files in layer order; raw layers' diffIds are their digests. */
  layerDigests: string[];
  weightFiles: Pick<ModelFile, "path">[];
  license?: string;
  parameters?: number;
  /** As the repo states it (`ResolvedModel.architecture`): GGUF headers' or `config.json`'s. */
  architecture?: string;
  /** The one GGUF variant published (`Quantization.name`); left out when the whole repo is. */
  quantization?: string;
  /** ISO time; the caller passes it so the function stays pure. */
  createdAt: string;
  hfEndpoint?: string;
}

const formatByExtension: Array<[RegExp, string]> = [
  [/\.safetensors$/i, "safetensors"],
  [/\.gguf$/i, "gguf"],
  [/\.(pt|pth|bin)$/i, "pytorch"],
  [/\.ckpt$/i, "ckpt"],
  [/\.onnx$/i, "onnx"],
  [/\.dduf$/i, "dduf"],
];

/** The weights' format from their extensions; undefined when they disagree or are unknown. */
export function weightFormat(files: Pick<ModelFile, "path">[]): string | undefined {
  const formats = new Set<string>();
  for (const file of files) {
    const match = formatByExtension.find(([re]) => re.test(file.path));
    if (match) formats.add(match[1]);
  }
  // Repos often carry both safetensors and a legacy pytorch copy; safetensors is what loaders pick.
  if (formats.has("safetensors")) return "safetensors";
  return formats.size === 1 ? [...formats][0] : undefined;
}

const scalePrefixes: Array<[number, string]> = [
  [1e15, "q"],
  [1e12, "t"],
  [1e9, "b"],
  [1e6, "m"],
  [1e3, "k"],
];

/**
 * The spec's `paramSize`: a count with at most one decimal and a lower-case scale prefix (model-spec `config.md`:
 * `6.7B`, `100m`, `8b`). Three significant figures at most, as sizes are said: `596049920` → `596m`,
 * `134515008` → `135m`, `1543714304` → `1.5b`, `8030261248` → `8b`. Undefined when it would round to nothing.
 */
export function formatParamSize(parameters: number): string | undefined {
  if (!Number.isFinite(parameters) || parameters <= 0) return undefined;
  const round = (value: number) => (value < 100 ? Math.round(value * 10) / 10 : Math.round(value));
  const at = scalePrefixes.findIndex(([scale]) => parameters >= scale);
  const [scale, prefix] = scalePrefixes[at] ?? [1e3, "k"];
  const count = round(parameters / scale);
  // 999.6m rounds to 1000m, which the next prefix up says as 1b.
  const larger = scalePrefixes[at - 1];
  if (count >= 1000 && larger) return `${round(parameters / larger[0])}${larger[1]}`;
  return count > 0 ? `${count}${prefix}` : undefined;
}

/** A spec-complete config (AIKit writes `{}`, which lacks the required descriptor, config and modelfs). */
export function buildModelConfig(input: ModelConfigInput): ModelpackConfig {
  const [author, name] = input.repo.split("/") as [string, string];
  const base = (input.hfEndpoint ?? "https://huggingface.co").replace(/\/+$/, "");
  const format = weightFormat(input.weightFiles);
  const paramSize = input.parameters !== undefined ? formatParamSize(input.parameters) : undefined;
  return {
    descriptor: {
      name,
      createdAt: input.createdAt,
      sourceURL: `${base}/${input.repo}`,
      revision: input.commit,
      authors: [author],
      vendor: author,
      ...(input.license ? { licenses: [input.license] } : {}),
    },
    config: {
      ...(input.architecture ? { architecture: input.architecture } : {}),
      ...(format ? { format } : {}),
      ...(paramSize ? { paramSize } : {}),
      ...(input.quantization ? { quantization: input.quantization } : {}),
    },
    modelfs: { type: "layers", diffIds: input.layerDigests },
  };
}
