import { describe, expect, it } from "vitest";
import { repoPathProblem } from "./repo-path.js";

describe("repoPathProblem", () => {
  it.each([
    "config.json",
    "original/consolidated.00.pth",
    "a/b/c/d.safetensors",
    `quote"d.txt`,
    "it's.txt",
    "spaces in name.md",
    "..hidden-but-not-parent",
    "dir.../x",
    "ünïcödé/ﬁle.txt",
  ])("accepts %j", (path) => {
    expect(repoPathProblem(path)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    ["../../etc/passwd", /climbs/],
    ["weights/../../x.bin", /climbs/],
    ["..", /climbs/],
    ["/etc/passwd", /absolute/],
    ["C:/Windows/win.ini", /absolute/],
    ["..\\..\\windows\\win.ini", /backslash/],
    ["dir\\file.txt", /backslash/],
    ["./config.json", /\. segment/],
    ["a/./b", /\. segment/],
    ["a//b", /empty or \. segment/],
    ["dir/", /empty or \. segment/],
    ["line\nbreak.txt", /control/],
    ["nul\u0000.txt", /control/],
    ["esc\u001b[31m.txt", /control/],
    ["x".repeat(4097), /longer/],
  ])("refuses %j", (path, reason) => {
    expect(repoPathProblem(path)).toMatch(reason);
  });
});
