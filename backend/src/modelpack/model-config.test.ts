import { describe, expect, it } from "vitest";
import { buildModelConfig, formatParamSize, weightFormat, type ModelConfigInput } from "./model-config.js";
import { validateConfig } from "./testdata/validate-config.js";

/** model-spec `config.md`: a count with at most one decimal, then one scale letter. */
const specParamSize = /^\d+(\.\d)?[qtbmk]$/;

describe("weightFormat", () => {
  it.each([
    [[], undefined],
    [["a.safetensors", "b.bin"], "safetensors"],
    [["q4.gguf"], "gguf"],
    [["Qwen3-0.6B-Q4_K_M.gguf", "mmproj-F16.gguf"], "gguf"],
    [["pytorch_model.bin"], "pytorch"],
    [["FLUX.1-dev.dduf"], "dduf"],
    [["a.gguf", "b.bin"], undefined],
  ])("weight format of %j is %s", (paths, format) => {
    expect(weightFormat(paths.map((path) => ({ path })))).toBe(format);
  });
});

describe("formatParamSize", () => {
  it.each([
    [596_049_920, "596m"],
    [134_515_008, "135m"],
    [494_032_768, "494m"],
    [1_543_714_304, "1.5b"],
    [8_030_261_248, "8b"],
    [6_738_415_616, "6.7b"],
    [30_532_122_624, "30.5b"],
    [70_553_706_496, "70.6b"],
    [235_093_634_560, "235b"],
    [999_600_000, "1b"],
    [950_000, "950k"],
    [999_960, "1m"],
    [1_234_567, "1.2m"],
    [1_000_000_000_000, "1t"],
    [1500, "1.5k"],
    [500, "0.5k"],
  ])("param size of %d is %s", (count, text) => {
    expect(formatParamSize(count)).toBe(text);
    expect(text).toMatch(specParamSize);
  });

  it.each([0, -5, 12, Number.NaN, Number.POSITIVE_INFINITY])("leaves %d out", (count) => {
    expect(formatParamSize(count)).toBeUndefined();
  });
});

describe("buildModelConfig", () => {
  const base: ModelConfigInput = {
    repo: "acme/gemma-tiny-it-GGUF",
    commit: "b".repeat(40),
    layerDigests: [`sha256:${"c".repeat(64)}`, `sha256:${"d".repeat(64)}`],
    weightFiles: [{ path: "gemma-tiny-it-Q4_K_M.gguf" }, { path: "mmproj-F16.gguf" }],
    license: "gemma",
    parameters: 3_880_263_168,
    createdAt: "2026-11-28T10:00:00Z",
  };

  it("says the format, the one variant published, the architecture and the size, and validates", () => {
    const config = buildModelConfig({ ...base, architecture: "gemma3", quantization: "Q4_K_M" });
    expect(config.config).toEqual({
      architecture: "gemma3",
      format: "gguf",
      paramSize: "3.9b",
      quantization: "Q4_K_M",
    });
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
  });

  it("keeps the old call shape: no quantization or architecture unless given", () => {
    const config = buildModelConfig(base);
    expect(config.config).toEqual({ format: "gguf", paramSize: "3.9b" });
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
  });

  it("leaves out what it cannot say, and still validates", () => {
    const config = buildModelConfig({ ...base, weightFiles: [{ path: "a.gguf" }, { path: "b.bin" }], parameters: 3 });
    expect(config.config).toEqual({});
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
  });

  it("writes a safetensors repo's config.json architecture", () => {
    const config = buildModelConfig({
      ...base,
      repo: "acme/tiny-llm",
      weightFiles: [{ path: "model-00001-of-00002.safetensors" }, { path: "model-00002-of-00002.safetensors" }],
      parameters: 596_049_920,
      architecture: "qwen3",
    });
    expect(config.config).toEqual({ architecture: "qwen3", format: "safetensors", paramSize: "596m" });
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
  });
});
