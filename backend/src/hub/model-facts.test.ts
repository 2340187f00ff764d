import { describe, expect, it } from "vitest";
import { modelArchitecture, modelLicense, modelParameters } from "./model-facts.js";

describe("modelLicense", () => {
  it.each([
    [{ cardData: { license: "apache-2.0" }, tags: ["license:mit"] }, "apache-2.0"],
    [{ cardData: { license: ["llama3.1", "mit"] } }, "llama3.1"],
    [{ cardData: { license: "other", license_name: "gemma" } }, "gemma"],
    [{ cardData: { license: "other" } }, "other"],
    [{ cardData: {}, tags: ["text-generation", "license:mit"] }, "mit"],
    [{ tags: ["gguf"] }, undefined],
    [{}, undefined],
  ])("%j → %s", (model, expected) => {
    expect(modelLicense(model)).toBe(expected);
  });
});

describe("modelParameters", () => {
  it.each([
    [{ safetensors: { parameters: { BF16: 8_030_261_248 }, total: 8_030_261_248 } }, 8_030_261_248],
    [{ gguf: { total: 1_235_814_432, architecture: "llama" } }, 1_235_814_432],
    [{ safetensors: { total: 10 }, gguf: { total: 20 } }, 10],
    [{ safetensors: { total: "10" } }, undefined],
    [{}, undefined],
  ])("%j → %s", (model, expected) => {
    expect(modelParameters(model)).toBe(expected);
  });
});

describe("modelArchitecture", () => {
  it.each([
    [{ gguf: { total: 1, architecture: "gemma3" }, config: { model_type: "gemma3_text" } }, "gemma3"],
    [{ config: { architectures: ["Qwen3ForCausalLM"], model_type: "qwen3" } }, "qwen3"],
    [{ config: { architectures: ["LlamaForCausalLM"] } }, "LlamaForCausalLM"],
    [{ gguf: { total: 1, architecture: "" }, config: { model_type: " " } }, undefined],
    [{ config: { architectures: "LlamaForCausalLM" } }, undefined],
    [{ config: [] }, undefined],
    [{}, undefined],
  ])("%j → %s", (model, expected) => {
    expect(modelArchitecture(model)).toBe(expected);
  });
});
