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
    format?: string;
    paramSize?: string;
    architecture?: string;
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

/** `596049920` → `596.05M`, `8030261248` → `8.03B`: the short form model cards use. */
export function formatParamSize(parameters: number): string {
  const units: Array<[number, string]> = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, unit] of units) {
    if (parameters >= size) return `${Number((parameters / size).toFixed(2))}${unit}`;
  }
  return String(parameters);
}

/** A spec-complete config (AIKit writes `{}`, which lacks the required descriptor, config and modelfs). */
export function buildModelConfig(input: ModelConfigInput): ModelpackConfig {
  const [author, name] = input.repo.split("/") as [string, string];
  const base = (input.hfEndpoint ?? "https://huggingface.co").replace(/\/+$/, "");
  const format = weightFormat(input.weightFiles);
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
      ...(format ? { format } : {}),
      ...(input.parameters ? { paramSize: formatParamSize(input.parameters) } : {}),
    },
    modelfs: { type: "layers", diffIds: input.layerDigests },
  };
}
