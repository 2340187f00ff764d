import { describe, expect, it } from "vitest";
import type { ModelFile, Quantization } from "@model-publisher/contract";
import {
  excludedForQuantization,
  fileChoice,
  preselectedQuantization,
  quantizationTag,
  withTag,
} from "./quantization-choice.js";

const file = (path: string, size = 1): ModelFile => ({
  path,
  size,
  kind: path.endsWith(".gguf") ? "weight" : "doc",
});
const variant = (name: string, files: string[]): Quantization => ({ name, files, size: files.length });

// Shaped like unsloth/gemma-3-4b-it-GGUF: single-file quants, a sharded BF16 in a folder, a projector, docs.
const q2 = variant("Q2_K", ["gemma-Q2_K.gguf"]);
const q4 = variant("Q4_K_M", ["gemma-Q4_K_M.gguf"]);
const ud = variant("UD-Q4_K_XL", ["gemma-UD-Q4_K_XL.gguf"]);
const q8 = variant("Q8_0", ["gemma-Q8_0.gguf"]);
const bf16 = variant("BF16", ["BF16/gemma-BF16-00001-of-00002.gguf", "BF16/gemma-BF16-00002-of-00002.gguf"]);
const spaced = variant("my model", ["my model.gguf"]);
const variants = [q2, q4, ud, q8, bf16, spaced];
const files = [...variants.flatMap((v) => v.files), "mmproj-F16.gguf", "README.md", "LICENSE", "config.json"].map(
  (path) => file(path),
);

describe("preselectedQuantization", () => {
  it.each<[string, Quantization[], string | undefined]>([
    ["Q4_K_M when the repo has it", variants, "Q4_K_M"],
    ["the only variant", [variant("model", ["model.gguf"])], "model"],
    // bartowski-style names: the first file in the Files view is IQ3_M, though Q2_K is smaller.
    [
      "else the first file's variant in the Files view",
      [
        variant("Q2_K", ["Llama-Q2_K.gguf"]),
        variant("IQ3_M", ["Llama-IQ3_M.gguf"]),
        variant("Q8_0", ["Llama-Q8_0.gguf"]),
      ],
      "IQ3_M",
    ],
    [
      "by any of its shards",
      [variant("Q8_0", ["b/x-Q8_0.gguf"]), variant("F16", ["b/x-00002.gguf", "a/x-00001.gguf"])],
      "F16",
    ],
    ["none without variants", [], undefined],
  ])("%s", (_title, quantizations, chosen) => expect(preselectedQuantization(quantizations)).toBe(chosen));
});

describe("excludedForQuantization", () => {
  it.each<[Quantization, string[]]>([
    [q8, ["gemma-Q2_K.gguf", "gemma-Q4_K_M.gguf", "gemma-UD-Q4_K_XL.gguf", ...bf16.files, "my model.gguf"]],
    [bf16, ["gemma-Q2_K.gguf", "gemma-Q4_K_M.gguf", "gemma-UD-Q4_K_XL.gguf", "gemma-Q8_0.gguf", "my model.gguf"]],
  ])("%j unticks the other variants, keeps the projector and the docs", (chosen, out) => {
    expect([...excludedForQuantization(files, chosen)].sort()).toEqual([...out].sort());
  });
});

describe("fileChoice", () => {
  const forQ8 = excludedForQuantization(files, q8);
  it.each<[string, string | undefined, Set<string>, { quantization?: string; excluded: string[] }]>([
    ["the variant alone", "Q8_0", forQ8, { quantization: "Q8_0", excluded: [] }],
    [
      "the variant and a further unticked file",
      "Q8_0",
      new Set([...forQ8, "README.md"]),
      {
        quantization: "Q8_0",
        excluded: ["README.md"],
      },
    ],
    [
      "the variant with its own weights unticked too: no variant (the backend would refuse it), every unticked file",
      "Q8_0",
      new Set([...forQ8, "gemma-Q8_0.gguf"]),
      { excluded: [...forQ8, "gemma-Q8_0.gguf"] },
    ],
    [
      "another variant's file ticked again: no variant, every unticked file",
      "Q8_0",
      new Set([...forQ8].filter((path) => path !== "gemma-Q2_K.gguf")),
      { excluded: [...forQ8].filter((path) => path !== "gemma-Q2_K.gguf") },
    ],
    ["no variant chosen", undefined, new Set(["README.md"]), { excluded: ["README.md"] }],
    ["a name the repo lacks", "Q5_K_M", new Set(["README.md"]), { excluded: ["README.md"] }],
    ["a name the request cannot carry", "my model", new Set(["gemma-Q8_0.gguf"]), { excluded: ["gemma-Q8_0.gguf"] }],
  ])("%s", (_title, chosen, excluded, expected) => {
    const choice = fileChoice(files, variants, chosen, excluded);
    expect({ ...choice, excluded: [...choice.excluded].sort() }).toEqual({
      ...expected,
      excluded: [...expected.excluded].sort(),
    });
  });
});

describe("quantizationTag", () => {
  it.each([
    ["Q4_K_M", "q4_k_m"],
    ["UD-Q4_K_XL", "ud-q4_k_xl"],
    ["BF16", "bf16"],
    // Names that several sets share become paths (`dir/stem`): `/` is no tag character.
    ["Qwen3-8B/Qwen3-8B-Q4_K_M", "qwen3-8b-qwen3-8b-q4_k_m"],
    ["-odd name+x", "odd-name-x"],
    ["x".repeat(200), "x".repeat(128)],
    ["///", "latest"],
  ])("%s → %s", (name, tag) => {
    expect(quantizationTag(name)).toBe(tag);
    expect(tag).toMatch(/^[\w][\w.-]{0,127}$/);
  });
});

describe("withTag", () => {
  it.each([
    ["localhost:5000/acme/gemma:latest", "q8_0", "localhost:5000/acme/gemma:q8_0"],
    ["localhost:5000/acme/gemma", "q8_0", "localhost:5000/acme/gemma:q8_0"],
    ["docker.io/me/gemma:v1", "bf16", "docker.io/me/gemma:bf16"],
    ["ghcr.io/me/gemma@sha256:abc", "q4_k_m", "ghcr.io/me/gemma:q4_k_m"],
  ])("%s with %s → %s", (reference, tag, tagged) => expect(withTag(reference, tag)).toBe(tagged));
});
