/**
 * Which repo files a one-variant publish takes (API.md › GGUF repositories): the variant's own GGUF files, every
 * `mmproj-*` projector and every file that is not GGUF. The UI ticks the same files the backend publishes.
 */

const ggufExtension = /\.gguf$/i;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** A multimodal projector (`mmproj-F16.gguf`, `gemma-3-4b-it.BF16-mmproj.gguf`): it goes with every variant. */
export function isProjectorFile(path: string): boolean {
  return ggufExtension.test(path) && /mmproj/i.test(baseName(path));
}

/** True when publishing the variant made of `variantFiles` takes the repo file at `path`. */
export function keptWithQuantization(path: string, variantFiles: readonly string[]): boolean {
  return variantFiles.includes(path) || isProjectorFile(path) || !ggufExtension.test(path);
}
