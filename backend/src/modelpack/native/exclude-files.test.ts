import { describe, expect, it } from "vitest";
import { excludeFiles, excludeMatcher } from "./exclude-files.js";

describe("excludeMatcher (fnmatch semantics of hf download --exclude)", () => {
  it.each([
    ["original/*", "original/consolidated.pth", true],
    ["original/*", "original/sub/params.json", true],
    ["original/*", "original", false],
    ["original/*", "model.safetensors", false],
    ["*.pth", "original/consolidated.pth", true],
    ["*.pth", "model.pth", true],
    ["*.pth", "model.pth.json", false],
    ["original/", "original/a/b.bin", true],
    ["*", ".gitattributes", true],
    ["model-0000?-of-00002.safetensors", "model-00001-of-00002.safetensors", true],
    ["model-[0-9]*.bin", "model-1.bin", true],
    ["model-[0-9]*.bin", "model-x.bin", false],
    ["Metal/*", "metal/x.bin", false],
    ["README.md", "README.md", true],
    ["README.md", "docs/README.md", false],
  ])("%s excludes %s: %s", (pattern, path, expected) => {
    expect(excludeMatcher([pattern])(path)).toBe(expected);
  });

  it("excludes nothing without patterns and keeps the order of the rest", () => {
    const files = [{ path: "b.json" }, { path: "original/x.pth" }, { path: "a.safetensors" }, { path: "metal/y" }];
    expect(excludeFiles(files, [])).toEqual(files);
    expect(excludeFiles(files, ["original/*", "metal/*"]).map((f) => f.path)).toEqual(["b.json", "a.safetensors"]);
  });
});
