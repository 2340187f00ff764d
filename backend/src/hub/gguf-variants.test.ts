import { describe, expect, it } from "vitest";
import {
  filesOfQuantization,
  ggufQuantizations,
  isProjectorFile,
  publishedQuantization,
  quantizationIn,
} from "./gguf-variants.js";

const MB = 1_000_000;
const GB = 1_000 * MB;

/** A file list as the Hub tree lists it; sizes are the ones the source page shows (rounded as it rounds them). */
type Listing = Array<[path: string, size: number]>;
const listed = (files: Listing) => files.map(([path, size]) => ({ path, size }));
const namesOf = (files: Listing) => ggufQuantizations(listed(files)).map((q) => q.name);

/**
 * Real file names, each with the variant it must give and where the name was seen. Pages are huggingface.co tree
 * pages (or a mirror of one) unless said otherwise.
 */
const realNames: Array<[path: string, variant: string | undefined, source: string]> = [
  // bartowski/Llama-3.2-1B-Instruct-GGUF, huggingface.co/bartowski/Llama-3.2-1B-Instruct-GGUF/tree/main
  ["Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M", "bartowski/Llama-3.2-1B-Instruct-GGUF"],
  ["Llama-3.2-1B-Instruct-IQ3_M.gguf", "IQ3_M", "bartowski/Llama-3.2-1B-Instruct-GGUF"],
  ["Llama-3.2-1B-Instruct-Q4_0_4_4.gguf", "Q4_0_4_4", "bartowski/Llama-3.2-1B-Instruct-GGUF"],
  ["Llama-3.2-1B-Instruct-Q3_K_XL.gguf", "Q3_K_XL", "bartowski/Llama-3.2-1B-Instruct-GGUF"],
  // unsloth/gemma-3-1b-it-GGUF, huggingface.co/unsloth/gemma-3-1b-it-GGUF/tree/main
  ["gemma-3-1b-it-UD-IQ2_XXS.gguf", "UD-IQ2_XXS", "unsloth/gemma-3-1b-it-GGUF"],
  ["gemma-3-1b-it-UD-Q4_K_XL.gguf", "UD-Q4_K_XL", "unsloth/gemma-3-1b-it-GGUF"],
  ["gemma-3-1b-it-BF16.gguf", "BF16", "unsloth/gemma-3-1b-it-GGUF"],
  ["gemma-3-1b-it-Q2_K_L.gguf", "Q2_K_L", "unsloth/gemma-3-1b-it-GGUF"],
  // unsloth/Qwen3.6-35B-A3B-GGUF: a GitHub benchmark write-up's model table (file, size, Hub SHA-256)
  ["Qwen3.6-35B-A3B-UD-Q8_K_XL.gguf", "UD-Q8_K_XL", "unsloth/Qwen3.6-35B-A3B-GGUF"],
  // unsloth/GLM-4.6-GGUF: unsloth's GLM-4.6 guide links ?show_file_info=GLM-4.6-UD-TQ1_0.gguf
  ["GLM-4.6-UD-TQ1_0.gguf", "UD-TQ1_0", "unsloth/GLM-4.6-GGUF"],
  // unsloth/gpt-oss-20b-GGUF, huggingface.co/unsloth/gpt-oss-20b-GGUF/tree/main
  ["gpt-oss-20b-F16.gguf", "F16", "unsloth/gpt-oss-20b-GGUF"],
  // lmstudio-community/gpt-oss-20b-GGUF: a GitHub CLI's list of popular models (path and byte size)
  ["gpt-oss-20b-MXFP4.gguf", "MXFP4", "lmstudio-community/gpt-oss-20b-GGUF"],
  // RichardErkhov/unsloth_-_gemma-1.1-2b-it-gguf, huggingface.co/…/tree/7293f20…
  ["gemma-1.1-2b-it.IQ4_NL.gguf", "IQ4_NL", "RichardErkhov/unsloth_-_gemma-1.1-2b-it-gguf"],
  ["gemma-1.1-2b-it.Q4_K.gguf", "Q4_K", "RichardErkhov/unsloth_-_gemma-1.1-2b-it-gguf"],
  // mrdayl/qwen3coder, huggingface.co/mrdayl/qwen3coder/tree/main (Unsloth's export naming)
  ["unsloth.Q8_0.gguf", "Q8_0", "mrdayl/qwen3coder"],
  // Qwen/Qwen2.5-7B-Instruct-GGUF and Qwen/Qwen2-7B-Instruct-GGUF (ai.gitee.com mirrors of the Hub repos)
  ["qwen2.5-7b-instruct-q3_k_m.gguf", "Q3_K_M", "Qwen/Qwen2.5-7B-Instruct-GGUF"],
  ["qwen2-7b-instruct-fp16.gguf", "FP16", "Qwen/Qwen2-7B-Instruct-GGUF"],
  // cohesionet/gemma-7b-it-GGUF, huggingface.co/cohesionet/gemma-7b-it-GGUF/tree/main
  ["gemma-7b-it_q4_1.gguf", "Q4_1", "cohesionet/gemma-7b-it-GGUF"],
  // steampunque/Qwen3-4B-Hybrid-GGUF: its README's download table
  ["Qwen3-4B.Q8_0_H.gguf", "Q8_0_H", "steampunque/Qwen3-4B-Hybrid-GGUF"],
  // ggml-org/gemma-3-4b-it-GGUF, huggingface.co/ggml-org/gemma-3-4b-it-GGUF/tree/main
  ["gemma-3-4b-it-f16.gguf", "F16", "ggml-org/gemma-3-4b-it-GGUF"],
  ["mmproj-model-f16.gguf", undefined, "ggml-org/gemma-3-4b-it-GGUF"],
  // Hanhpt23/model, huggingface.co/Hanhpt23/model/tree/main (Unsloth's projector naming)
  ["gemma-3-4b-it.BF16-mmproj.gguf", undefined, "Hanhpt23/model"],
  // koboldcpp/mmproj, huggingface.co/koboldcpp/mmproj/tree/bc8fefe…
  ["llama-7b-mmproj-v1.5-Q4_0.gguf", undefined, "koboldcpp/mmproj"],
  // Rushi2901/1bitLLM-bitnet_b1_58-large.aaa, huggingface.co/…/tree/main (BitNet types)
  ["ggml-model-i2_s.gguf", "I2_S", "Rushi2901/1bitLLM-bitnet_b1_58-large.aaa"],
  ["ggml-model-f32.gguf", "F32", "Rushi2901/1bitLLM-bitnet_b1_58-large.aaa"],
  // Shyamnath/gpt-2 and rmsdud/model-GGUF: no quantization in the name, so the stem as written
  ["model.gguf", "model", "Shyamnath/gpt-2"],
  ["gguf-model.gguf", "gguf-model", "rmsdud/model-GGUF"],
];

describe("ggufQuantizations: one real file name at a time", () => {
  it.each(realNames)("%s → %s (%s)", (path, variant) => {
    const found = ggufQuantizations([{ path, size: 1 }]);
    expect(found.map((q) => q.name)).toEqual(variant === undefined ? [] : [variant]);
    if (variant !== undefined) expect(found[0]?.files).toEqual([path]);
  });

  it("covers at least 15 real names from at least 10 repositories", () => {
    expect(realNames.length).toBeGreaterThanOrEqual(15);
    expect(new Set(realNames.map(([, , source]) => source)).size).toBeGreaterThanOrEqual(10);
  });
});

describe("ggufQuantizations: whole real repositories", () => {
  it("bartowski/Llama-3.2-1B-Instruct-GGUF: every single-file quant, smallest first, ties by name", () => {
    // tree/main (to Q4_0_8_8) and tree/b4cf225…, tree/ecf723e… (the rest); the imatrix is not GGUF.
    const files: Listing = [
      [".gitattributes", 2_840],
      ["Llama-3.2-1B-Instruct-IQ3_M.gguf", 657 * MB],
      ["Llama-3.2-1B-Instruct-IQ4_XS.gguf", 743 * MB],
      ["Llama-3.2-1B-Instruct-Q3_K_L.gguf", 733 * MB],
      ["Llama-3.2-1B-Instruct-Q3_K_XL.gguf", 796 * MB],
      ["Llama-3.2-1B-Instruct-Q4_0.gguf", 773 * MB],
      ["Llama-3.2-1B-Instruct-Q4_0_4_4.gguf", 771 * MB],
      ["Llama-3.2-1B-Instruct-Q4_0_4_8.gguf", 771 * MB],
      ["Llama-3.2-1B-Instruct-Q4_0_8_8.gguf", 771 * MB],
      ["Llama-3.2-1B-Instruct-Q4_K_L.gguf", 871 * MB],
      ["Llama-3.2-1B-Instruct-Q4_K_M.gguf", 808 * MB],
      ["Llama-3.2-1B-Instruct-Q4_K_S.gguf", 776 * MB],
      ["Llama-3.2-1B-Instruct-Q5_K_L.gguf", 975 * MB],
      ["Llama-3.2-1B-Instruct-Q5_K_M.gguf", 912 * MB],
      ["Llama-3.2-1B-Instruct-Q5_K_S.gguf", 893 * MB],
      ["Llama-3.2-1B-Instruct-Q6_K.gguf", 1.02 * GB],
      ["Llama-3.2-1B-Instruct-Q6_K_L.gguf", 1.09 * GB],
      ["Llama-3.2-1B-Instruct-Q8_0.gguf", 1.32 * GB],
      ["Llama-3.2-1B-Instruct.imatrix", 1_300_000],
      ["README.md", 10_000],
    ];
    expect(namesOf(files)).toEqual([
      "IQ3_M",
      "Q3_K_L",
      "IQ4_XS",
      "Q4_0_4_4",
      "Q4_0_4_8",
      "Q4_0_8_8",
      "Q4_0",
      "Q4_K_S",
      "Q3_K_XL",
      "Q4_K_M",
      "Q4_K_L",
      "Q5_K_S",
      "Q5_K_M",
      "Q5_K_L",
      "Q6_K",
      "Q6_K_L",
      "Q8_0",
    ]);
  });

  it("unsloth/GLM-4.6-GGUF: shards in a folder are one variant whose size is their sum", () => {
    // tree/main/UD-Q3_K_XL and tree/main/UD-IQ2_XXS; the TQ1_0 file from unsloth's guide (84 GB there).
    const files: Listing = [
      ["UD-Q3_K_XL/GLM-4.6-UD-Q3_K_XL-00002-of-00004.gguf", 49.8 * GB],
      ["UD-Q3_K_XL/GLM-4.6-UD-Q3_K_XL-00001-of-00004.gguf", 49.7 * GB],
      ["UD-Q3_K_XL/GLM-4.6-UD-Q3_K_XL-00004-of-00004.gguf", 8.91 * GB],
      ["UD-Q3_K_XL/GLM-4.6-UD-Q3_K_XL-00003-of-00004.gguf", 49.6 * GB],
      ["UD-IQ2_XXS/GLM-4.6-UD-IQ2_XXS-00001-of-00003.gguf", 49.8 * GB],
      ["UD-IQ2_XXS/GLM-4.6-UD-IQ2_XXS-00002-of-00003.gguf", 50 * GB],
      ["UD-IQ2_XXS/GLM-4.6-UD-IQ2_XXS-00003-of-00003.gguf", 15.6 * GB],
      ["GLM-4.6-UD-TQ1_0.gguf", 84 * GB],
    ];
    expect(ggufQuantizations(listed(files))).toEqual([
      { name: "UD-TQ1_0", files: ["GLM-4.6-UD-TQ1_0.gguf"], size: 84 * GB },
      {
        name: "UD-IQ2_XXS",
        files: [1, 2, 3].map((i) => `UD-IQ2_XXS/GLM-4.6-UD-IQ2_XXS-0000${i}-of-00003.gguf`),
        size: 49.8 * GB + 50 * GB + 15.6 * GB,
      },
      {
        name: "UD-Q3_K_XL",
        files: [1, 2, 3, 4].map((i) => `UD-Q3_K_XL/GLM-4.6-UD-Q3_K_XL-0000${i}-of-00004.gguf`),
        size: 49.7 * GB + 49.8 * GB + 49.6 * GB + 8.91 * GB,
      },
    ]);
  });

  it("DevQuasar/unsloth.QwQ-32B-GGUF: dotted names, and shards at the top level", () => {
    // huggingface.co/DevQuasar/unsloth.QwQ-32B-GGUF/tree/1dbd4cf…
    const files: Listing = [
      ["README.md", 802],
      ["unsloth.QwQ-32B.Q2_K.gguf", 12.3 * GB],
      ["unsloth.QwQ-32B.Q8_0.gguf", 34.8 * GB],
      ["unsloth.QwQ-32B.f16-00001-of-00002.gguf", 39.9 * GB],
      ["unsloth.QwQ-32B.f16-00002-of-00002.gguf", 25.7 * GB],
    ];
    const found = ggufQuantizations(listed(files));
    expect(found.map((q) => q.name)).toEqual(["Q2_K", "Q8_0", "F16"]);
    expect(found[2]).toEqual({
      name: "F16",
      files: ["unsloth.QwQ-32B.f16-00001-of-00002.gguf", "unsloth.QwQ-32B.f16-00002-of-00002.gguf"],
      size: 39.9 * GB + 25.7 * GB,
    });
  });

  it("unsloth/DeepSeek-R1-GGUF: folders named like the files, and the last token of a name wins", () => {
    // tree/main/DeepSeek-R1-UD-IQ1_S, and tree/3083b08…, whose Q8_0 folder held DeepSeek-R1-BF16-256x20B-Q8_0-….
    const files: Listing = [
      ["DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00001-of-00003.gguf", 49.3 * GB],
      ["DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00002-of-00003.gguf", 49.4 * GB],
      ["DeepSeek-R1-UD-IQ1_S/DeepSeek-R1-UD-IQ1_S-00003-of-00003.gguf", 41.5 * GB],
      ["DeepSeek-R1-Q8_0/DeepSeek-R1-BF16-256x20B-Q8_0-00016-of-00016.gguf", 20 * GB],
    ];
    expect(namesOf(files)).toEqual(["Q8_0", "UD-IQ1_S"]);
  });

  it("ggml-org/gemma-3-4b-it-GGUF: the projector goes with every variant and is none itself", () => {
    // huggingface.co/ggml-org/gemma-3-4b-it-GGUF/tree/main
    const files: Listing = [
      [".gitattributes", 1_820],
      ["README.md", 21_800],
      ["gemma-3-4b-it-Q4_K_M.gguf", 2.49 * GB],
      ["gemma-3-4b-it-Q8_0.gguf", 4.13 * GB],
      ["gemma-3-4b-it-f16.gguf", 7.77 * GB],
      ["mmproj-model-f16.gguf", 851 * MB],
    ];
    expect(namesOf(files)).toEqual(["Q4_K_M", "Q8_0", "F16"]);
    expect(isProjectorFile("mmproj-model-f16.gguf")).toBe(true);
    expect(filesOfQuantization(listed(files), "Q8_0")?.map((f) => f.path)).toEqual([
      ".gitattributes",
      "README.md",
      "gemma-3-4b-it-Q8_0.gguf",
      "mmproj-model-f16.gguf",
    ]);
    expect(filesOfQuantization(listed(files), "Q5_K_M")).toBeUndefined();
  });

  it("Rushi2901/1bitLLM-bitnet_b1_58-large.aaa: GGUF beside safetensors, BitNet's own types", () => {
    const files: Listing = [
      ["config.json", 749],
      ["ggml-model-f32.gguf", 2.92 * GB],
      ["ggml-model-i2_s.gguf", 270 * MB],
      ["ggml-model-tl2.gguf", 246 * MB],
      ["model.safetensors", 2.92 * GB],
    ];
    expect(namesOf(files)).toEqual(["TL2", "I2_S", "F32"]);
  });

  it("koboldcpp/mmproj: a repo of projectors only has no variant", () => {
    const files: Listing = [
      ["README.md", 239],
      ["llama-13b-mmproj-v1.5.Q4_1.gguf", 203 * MB],
      ["llama-7b-mmproj-v1.5-Q4_0.gguf", 177 * MB],
      ["obsidian-3b_mmproj-Q4_1.gguf", 189 * MB],
    ];
    expect(ggufQuantizations(listed(files))).toEqual([]);
  });
});

describe("ggufQuantizations: rules no single real repo shows", () => {
  it("answers [] for a repo without GGUF files", () => {
    expect(
      ggufQuantizations(
        listed([
          ["model.safetensors", 10],
          ["config.json", 1],
        ]),
      ),
    ).toEqual([]);
  });

  it("names shards without a quant in the name by their folder", () => {
    const files: Listing = [
      ["Q8_0/model-00001-of-00002.gguf", 5],
      ["Q8_0/model-00002-of-00002.gguf", 6],
      ["UD-Q4_K_XL/model.gguf", 4],
    ];
    expect(ggufQuantizations(listed(files))).toEqual([
      { name: "UD-Q4_K_XL", files: ["UD-Q4_K_XL/model.gguf"], size: 4 },
      { name: "Q8_0", files: ["Q8_0/model-00001-of-00002.gguf", "Q8_0/model-00002-of-00002.gguf"], size: 11 },
    ]);
  });

  it("gives two weight sets that would share a name their paths instead, so a name picks one set", () => {
    const files: Listing = [
      ["gemma-2-2b-it.q4_k_m.gguf", 2],
      ["gemma-2-9b-it.q4_k_m.gguf", 9],
      ["gemma-2-9b-it.q8_0.gguf", 12],
      ["sub/model.gguf", 1],
      ["model.gguf", 3],
    ];
    expect(namesOf(files)).toEqual(["sub/model", "gemma-2-2b-it.q4_k_m", "model", "gemma-2-9b-it.q4_k_m", "Q8_0"]);
  });

  it("leaves importance matrices stored as GGUF out, but not names that merely contain imat", () => {
    const files: Listing = [
      ["imatrix_unsloth.gguf", 5],
      ["Llama-3.2-1B-Instruct.imatrix.gguf", 5],
      ["Qwen3.8-27B-arf-g64-imat-Q4_1.gguf", 9],
    ];
    expect(namesOf(files)).toEqual(["Q4_1"]);
  });

  it("orders shards by their number, not their listing order", () => {
    const shards = [3, 1, 2].map((i) => ({ path: `x-BF16-0000${i}-of-00003.gguf`, size: i }));
    expect(ggufQuantizations(shards)[0]?.files).toEqual([1, 2, 3].map((i) => `x-BF16-0000${i}-of-00003.gguf`));
  });

  it.each([
    ["Qwen3-30B-A3B-Q3_K_S", "Q3_K_S"],
    ["Qwen3.6-35B-A3B-Q8_0", "Q8_0"],
    ["gemma-3-4b-it-qat-q4_0", "Q4_0"],
    ["Qwen3-0.6B", undefined],
    ["Llama-3.2-1B-Instruct", undefined],
    ["Phi-3-mini-4k-instruct-q4", "Q4"],
    ["x-mxfp4_moe", "MXFP4_MOE"],
  ])("reads %s as %s, not the model's size or version", (name, quant) => {
    expect(quantizationIn(name)).toBe(quant);
  });

  it.each([
    ["one variant with its projector", ["README.md", "m-Q4_K_M.gguf", "mmproj-F16.gguf"], "Q4_K_M"],
    ["a sharded variant in its folder", ["BF16/m-BF16-00001-of-00002.gguf", "BF16/m-BF16-00002-of-00002.gguf"], "BF16"],
    ["the first of two same-named sets, alone", ["sub/m-Q8_0.gguf"], "Q8_0"],
    ["two variants", ["m-Q4_K_M.gguf", "m-Q8_0.gguf"], undefined],
    ["a GGUF file named by no quantization", ["model.gguf"], undefined],
    ["no GGUF file", ["model.safetensors", "config.json"], undefined],
  ])("publishedQuantization of %s is %s", (_name, list, quantization) => {
    expect(publishedQuantization(list.map((path) => ({ path, size: 1 })))).toBe(quantization);
  });
});
