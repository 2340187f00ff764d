import { describe, expect, it } from "vitest";
import { classifyFile, unknownWeightThreshold } from "./classify-file.js";

describe("classifyFile", () => {
  it.each([
    ["model-00001-of-00002.safetensors", 5, "weight"],
    ["pytorch_model.bin", 5, "weight"],
    ["gguf/Llama-3.2-1B-Q4_K_M.GGUF", 5, "weight"],
    ["original/consolidated.00.pt", 5, "weight"],
    ["model.ckpt", 5, "weight"],
    ["README.md", 5, "doc"],
    ["readme", 5, "doc"],
    ["LICENSE", 5, "doc"],
    ["license.txt", 5, "doc"],
    ["USE_POLICY.md", 5, "doc"],
    ["docs/notes.md", 5, "doc"],
    ["config.json", 5, "weight.config"],
    ["tokenizer.json", 50 * 1024 * 1024, "weight.config"],
    ["merges.txt", 5, "weight.config"],
    ["original/params.json", 5, "weight.config"],
    ["modeling_custom.py", 5, "code"],
    ["run.sh", 5, "code"],
    ["demo.ipynb", 5, "code"],
    ["train.jsonl", 5, "dataset"],
    ["data/eval.CSV", 5, "dataset"],
    ["shard.parquet", 5, "dataset"],
    ["tf_model.h5", 500 * 1024 * 1024, "dataset"],
    ["tokenizer.model", 500_000, "weight.config"],
    ["tokenizer.model", unknownWeightThreshold, "weight.config"],
    ["flax_model.msgpack", unknownWeightThreshold + 1, "weight"],
    [".gitattributes", 1_500, "weight.config"],
  ])("%s (%d bytes) is %s", (path, size, kind) => {
    expect(classifyFile(path, size)).toBe(kind);
  });

  it("looks at the basename only", () => {
    expect(classifyFile("readme-dir/model.safetensors", 1)).toBe("weight");
    expect(classifyFile("weights.safetensors/notes.txt", 1)).toBe("weight.config");
  });
});
