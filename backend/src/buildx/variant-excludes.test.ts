import { describe, expect, it } from "vitest";
import { ggufModel, ggufModelVariants, ggufProjector } from "../../../test/fixtures/gguf-model.js";
import { hfExcluded } from "../../../test/fixtures/docker-standin/hf-exclude.js";
import { ContractError } from "../errors.js";
import { quantizationFiles } from "../modelpack/quantization-files.js";
import { literalGlob, variantExcludeGlobs } from "./variant-excludes.js";

const fixtureFiles = ggufModel.files.map((file) => ({ path: file.path, size: file.size ?? 1 }));
const paths = (list: string[]) => list.map((path) => ({ path, size: 1 }));

/** What AIKit downloads with these globs: the files its exclude (Python's fnmatch, in the stand-in) keeps. */
function downloaded(files: Array<{ path: string }>, exclude: string[]): string[] {
  return files.map((file) => file.path).filter((path) => !hfExcluded(path, exclude));
}

function globsFor(files: Array<{ path: string; size: number }>, name: string, exclude: string[] = []) {
  const { others, kept } = quantizationFiles(files, name, exclude, "acme/x");
  return { globs: variantExcludeGlobs(files, others, exclude), kept: kept.map((file) => file.path) };
}

describe("literalGlob", () => {
  it.each([
    ["gemma-3-1b-it-Q4_K_M.gguf", "gemma-3-1b-it-Q4_K_M.gguf"],
    ["v[2]/m*x?.gguf", "v[[]2[]]/m[*]x[?].gguf"],
    ["a b's\\c.gguf", "a?b?s?c.gguf"],
    ["модель.gguf", "??????.gguf"],
  ])("%j → %j", (path, glob) => {
    expect(literalGlob(path)).toBe(glob);
    expect(hfExcluded(path, [glob])).toBe(true);
  });
});

describe("variantExcludeGlobs", () => {
  it("leaves the other variants of the GGUF fixture out, the sharded BF16 by its folder", () => {
    const { globs, kept } = globsFor(fixtureFiles, "Q4_K_M");
    expect(globs.sort()).toEqual(
      ["BF16/*", "gemma-tiny-it-Q2_K.gguf", "gemma-tiny-it-Q8_0.gguf", "gemma-tiny-it-UD-Q4_K_XL.gguf"].sort(),
    );
    expect(downloaded(fixtureFiles, globs).sort()).toEqual(kept.sort());
    expect(kept.sort()).toEqual(
      ["LICENSE", "README.md", "config.json", ggufProjector, ...(ggufModelVariants.Q4_K_M ?? [])].sort(),
    );
  });

  it("keeps both shards of the sharded variant and nothing else GGUF but the projector", () => {
    const { globs, kept } = globsFor(fixtureFiles, "BF16");
    expect(globs).not.toContain("BF16/*");
    expect(
      downloaded(fixtureFiles, globs)
        .filter((path) => path.endsWith(".gguf"))
        .sort(),
    ).toEqual([ggufProjector, ...(ggufModelVariants.BF16 ?? [])].sort());
    expect(downloaded(fixtureFiles, globs).sort()).toEqual(kept.sort());
  });

  it("merges with the request's own exclude, which still applies", () => {
    const { globs, kept } = globsFor(fixtureFiles, "Q8_0", ["README.md"]);
    expect(kept).not.toContain("README.md");
    expect(downloaded(fixtureFiles, ["README.md", ...globs]).sort()).toEqual(kept.sort());
  });

  it("escapes glob characters in paths and names shards one by one when their folder holds another variant", () => {
    const files = paths([
      "q [x]/m*-Q4_K_M.gguf",
      "q [x]/m*-Q8_0-00001-of-00002.gguf",
      "q [x]/m*-Q8_0-00002-of-00002.gguf",
      "README.md",
    ]);
    const { globs, kept } = globsFor(files, "Q4_K_M");
    expect(globs).toEqual(["q?[[]x[]]/m[*]-Q8_0-00001-of-00002.gguf", "q?[[]x[]]/m[*]-Q8_0-00002-of-00002.gguf"]);
    expect(downloaded(files, globs)).toEqual(kept);
  });

  it("refuses globs that would also drop a file the publish keeps", () => {
    // "a b" can only be written `a?b`, which matches the chosen "a_b" too.
    const files = paths(["a b-Q8_0.gguf", "a_b-Q8_0.gguf"]);
    expect(() => globsFor(files, "a_b-Q8_0")).toThrow(ContractError);
    expect(() => globsFor(files, "a_b-Q8_0")).toThrow(/use native mode/);
  });
});
