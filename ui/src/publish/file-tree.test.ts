import { describe, expect, it } from "vitest";
import type { ModelFile } from "@model-publisher/contract";
import { buildTree, excludePatterns, selectedSize, toggleFile, toggleFolder } from "./file-tree.js";

const files: ModelFile[] = [
  { path: "config.json", size: 100, kind: "weight.config" },
  { path: "model.safetensors", size: 1000, kind: "weight" },
  { path: "original/consolidated.pth", size: 900, kind: "weight" },
  { path: "original/params.json", size: 10, kind: "weight.config" },
  { path: "gguf/q4/model-q4.gguf", size: 400, kind: "weight" },
  { path: "gguf/q8/model-q8.gguf", size: 800, kind: "weight" },
  { path: "bad name.txt", size: 1, kind: "doc" },
];

describe("file tree", () => {
  const root = buildTree(files);

  it("nests folders with their sizes", () => {
    expect(root.size).toBe(3211);
    expect(root.folders.map((f) => [f.path, f.size])).toEqual([
      ["gguf", 1200],
      ["original", 910],
    ]);
    expect(root.folders[0]?.folders.map((f) => f.path)).toEqual(["gguf/q4", "gguf/q8"]);
  });

  it.each<[string, (s: Set<string>) => Set<string>, string[], number]>([
    ["nothing unticked", (s) => s, [], 3211],
    ["a folder", (s) => toggleFolder(root.folders[1]!, s), ["original/*"], 2301],
    ["a nested folder", (s) => toggleFolder(root.folders[0]!.folders[1]!, s), ["gguf/q8/*"], 2411],
    [
      "both nested folders collapse to the parent",
      (s) => toggleFolder(root.folders[0]!.folders[1]!, toggleFolder(root.folders[0]!.folders[0]!, s)),
      ["gguf/*"],
      2011,
    ],
    ["one file of a folder", (s) => toggleFile("original/params.json", s), ["original/params.json"], 3201],
    ["a folder ticked again", (s) => toggleFolder(root.folders[1]!, toggleFolder(root.folders[1]!, s)), [], 3211],
    [
      "a partly unticked folder unticks the rest",
      (s) => toggleFolder(root.folders[1]!, toggleFile("original/params.json", s)),
      ["original/*"],
      2301,
    ],
  ])("%s", (_name, change, patterns, size) => {
    const excluded = change(new Set());
    expect(excludePatterns(root, excluded).patterns).toEqual(patterns);
    expect(selectedSize(files, excluded)).toBe(size);
  });

  it("reports names the contract cannot exclude", () => {
    expect(excludePatterns(root, new Set(["bad name.txt"]))).toEqual({ patterns: [], refused: ["bad name.txt"] });
  });
});
