import { describe, expect, it } from "vitest";
import { ContractError } from "../errors.js";
import { quantizationFiles } from "./quantization-files.js";

const files = [
  "README.md",
  "model-Q4_K_M.gguf",
  "model-Q8_0.gguf",
  "BF16/model-BF16-00001-of-00002.gguf",
  "BF16/model-BF16-00002-of-00002.gguf",
  "mmproj-F16.gguf",
].map((path, i) => ({ path, size: 100 * (i + 1) }));

function refusal(run: () => unknown): ContractError {
  try {
    run();
  } catch (err) {
    if (err instanceof ContractError) return err;
    throw err;
  }
  throw new Error("no refusal");
}

describe("quantizationFiles", () => {
  it("keeps the variant's files, the projector and the non-GGUF files; the others are left out", () => {
    const chosen = quantizationFiles(files, "BF16", [], "acme/m");
    expect(chosen.variant.name).toBe("BF16");
    expect(chosen.kept.map((f) => f.path)).toEqual([
      "README.md",
      "BF16/model-BF16-00001-of-00002.gguf",
      "BF16/model-BF16-00002-of-00002.gguf",
      "mmproj-F16.gguf",
    ]);
    expect(chosen.others.map((f) => f.path)).toEqual(["model-Q4_K_M.gguf", "model-Q8_0.gguf"]);
  });

  it("applies the request's exclude to what the variant takes", () => {
    const chosen = quantizationFiles(files, "Q8_0", ["*.md", "mmproj-*"], "acme/m");
    expect(chosen.kept.map((f) => f.path)).toEqual(["model-Q8_0.gguf"]);
  });

  it("refuses an unknown variant with 400 invalid_request naming the variants there are", () => {
    const err = refusal(() => quantizationFiles(files, "Q5_K_M", [], "acme/m"));
    expect(err).toMatchObject({ code: "invalid_request", status: 400 });
    expect(err.message).toBe("acme/m has no GGUF variant Q5_K_M; its variants are Q4_K_M, Q8_0, BF16.");
    expect(err.details).toEqual({ quantization: "Q5_K_M", quantizations: ["Q4_K_M", "Q8_0", "BF16"] });
  });

  it("refuses a repo without GGUF variants, and an exclude that leaves none of the variant's files", () => {
    const safetensors = [{ path: "model.safetensors", size: 10 }];
    expect(refusal(() => quantizationFiles(safetensors, "Q4_K_M", [], "acme/s")).message).toMatch(
      /acme\/s has no GGUF variants/,
    );
    expect(refusal(() => quantizationFiles(files, "BF16", ["BF16/*"], "acme/m")).message).toMatch(
      /leave none of the files of BF16/,
    );
  });
});
