/** The fields of a Hub model answer the facts are read from; all optional, as the Hub leaves them out freely. */
export interface HubModelFields {
  cardData?: unknown;
  tags?: unknown;
  safetensors?: unknown;
  gguf?: unknown;
  /** What the Hub reads from `config.json` (`architectures`, `model_type`, …). */
  config?: unknown;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The license from the model card, else from a `license:` tag; `other` gives way to the card's `license_name`. */
export function modelLicense(model: HubModelFields): string | undefined {
  const card = record(model.cardData);
  const fromCard = Array.isArray(card?.license) ? card.license[0] : card?.license;
  if (typeof fromCard === "string" && fromCard) {
    if (fromCard === "other" && typeof card?.license_name === "string" && card.license_name) return card.license_name;
    return fromCard;
  }
  if (Array.isArray(model.tags)) {
    const tag = model.tags.find((t): t is string => typeof t === "string" && t.startsWith("license:"));
    if (tag) return tag.slice("license:".length);
  }
  return undefined;
}

/** Parameter count from the Hub's safetensors metadata, else its gguf metadata. */
export function modelParameters(model: HubModelFields): number | undefined {
  for (const source of [record(model.safetensors), record(model.gguf)]) {
    const total = source?.total;
    if (typeof total === "number" && Number.isFinite(total) && total > 0) return total;
  }
  return undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : undefined;
}

/**
 * The architecture the repo states: its GGUF headers' `general.architecture` (`qwen3`, `gemma3`), else `config.json`'s
 * `model_type`, which names architectures the same way, else its first `architectures` class (`LlamaForCausalLM`).
 */
export function modelArchitecture(model: HubModelFields): string | undefined {
  const config = record(model.config);
  const classes = Array.isArray(config?.architectures) ? config.architectures : [];
  return nonEmpty(record(model.gguf)?.architecture) ?? nonEmpty(config?.model_type) ?? nonEmpty(classes[0]);
}
