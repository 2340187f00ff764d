import { describe, expect, it } from "vitest";
import { isProjectorFile, keptWithQuantization } from "./gguf-files.js";

describe("isProjectorFile", () => {
  it.each([
    ["mmproj-F16.gguf", true],
    ["mmproj-model-f16.gguf", true],
    ["vision/gemma-3-4b-it.BF16-mmproj.gguf", true],
    ["gemma-3-4b-it-Q4_K_M.gguf", false],
    // Not GGUF: a projector is a GGUF file.
    ["mmproj-notes.md", false],
  ])("%s → %s", (path, projector) => expect(isProjectorFile(path)).toBe(projector));
});

describe("keptWithQuantization", () => {
  const q8 = ["gemma-Q8_0.gguf"];
  const bf16 = ["BF16/gemma-BF16-00001-of-00002.gguf", "BF16/gemma-BF16-00002-of-00002.gguf"];
  it.each<[string, readonly string[], boolean]>([
    ["gemma-Q8_0.gguf", q8, true],
    ["gemma-Q4_K_M.gguf", q8, false],
    ["BF16/gemma-BF16-00001-of-00002.gguf", q8, false],
    ["BF16/gemma-BF16-00002-of-00002.gguf", bf16, true],
    ["mmproj-F16.gguf", q8, true],
    ["README.md", q8, true],
    ["LICENSE", bf16, true],
    ["config.json", bf16, true],
    // A GGUF file that is no variant (an importance matrix saved as GGUF) goes with none.
    ["gemma.imatrix.gguf", q8, false],
  ])("%s with %j → %s", (path, files, kept) => expect(keptWithQuantization(path, files)).toBe(kept));
});
