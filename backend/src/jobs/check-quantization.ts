import { parseSource, type PublishRequest } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { quantizationFiles } from "../modelpack/quantization-files.js";
import type { PublishServices } from "./publish-services.js";

/**
 * Admission's check of a requested GGUF variant, before any job exists: the source is a whole Hugging Face repo and
 * the repo's files (listed as `GET /models` lists them) hold that variant. Throws 400 `invalid_request` otherwise.
 */
export async function checkQuantization(services: PublishServices, request: PublishRequest): Promise<void> {
  const name = request.quantization;
  if (name === undefined) return;
  const source = parseSource(request.source);
  if (!source.ok || source.value.kind !== "huggingface" || source.value.file !== undefined) {
    throw new ContractError(
      "invalid_request",
      "A quantization chooses among a whole Hugging Face repository's files, not a single file or an https:// source.",
    );
  }
  if (!services.hubFiles) {
    throw new ContractError("invalid_request", "This backend cannot list the Hub's files to choose a quantization.");
  }
  const { repo, revision } = source.value;
  const { files } = await services.hubFiles(repo, revision);
  quantizationFiles(files, name, request.exclude ?? [], repo);
}
