import { isProjectorFile } from "@model-publisher/contract";

/** The reference of a `docker model pull <reference>` command as `GET /manifest` answers it; undefined otherwise. */
export function pullReference(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  if (words.length !== 4 || words[0] !== "docker" || words[1] !== "model" || words[2] !== "pull") return undefined;
  const reference = words[3] as string;
  return reference.startsWith("-") ? undefined : reference;
}

/** What Docker Model Runner needs of a ModelPack artifact beyond its artifactType (its unpack and bundle rules). */
export type ModelRunnerMisfit = "tar-weights" | "several-gguf-sets";

const weightLayer = /^application\/vnd\.cncf\.model\.weight\.v\d+\./;
/** `-00001-of-00003` before `.gguf`: one shard of a split. */
const shardSuffix = /-\d{5}-of-\d{5}(?=\.gguf$)/i;

/**
 * Why Docker Model Runner could not run the artifact whose layers these are, or undefined when it can: it links each
 * layer's blob to its path unextracted, so tar-packaged weights are no weight file; it hands llama.cpp one GGUF file
 * (or the first shard of one split) and a projector, so several variants are one too many.
 */
export function modelRunnerMisfit(
  layers: ReadonlyArray<{ mediaType: string; path?: string | undefined }>,
): ModelRunnerMisfit | undefined {
  const weights = layers.filter((layer) => weightLayer.test(layer.mediaType));
  if (weights.length > 0 && weights.every((layer) => /\.v\d+\.tar/.test(layer.mediaType))) {
    return "tar-weights";
  }
  const sets = new Set(
    weights
      .map((layer) => layer.path ?? "")
      .filter((path) => /\.gguf$/i.test(path) && !isProjectorFile(path))
      .map((path) => path.replace(shardSuffix, "")),
  );
  return sets.size > 1 ? "several-gguf-sets" : undefined;
}
