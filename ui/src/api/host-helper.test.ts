import { describe, expect, it } from "vitest";
import { hostHelperName, hostHelperProblem } from "./host-helper.js";

describe("hostHelperName", () => {
  it.each([
    ["darwin", "model-publisher-credentials"],
    ["linux", "model-publisher-credentials"],
    ["win32", "model-publisher-credentials.cmd"],
  ])("%s → %s", (platform, name) => expect(hostHelperName(platform)).toBe(name));
});

describe("hostHelperProblem", () => {
  it.each<[unknown, string]>([
    [{ code: 1, stderr: "model-publisher-credentials: not signed in to ghcr.io\n" }, "not signed in to ghcr.io"],
    [{ code: 1, stderr: "first line\nsecond line\n" }, "first line"],
    [{ code: 1, stderr: "x".repeat(400) }, "x".repeat(300)],
    [{ code: 127, stderr: "" }, "the extension's host helper could not run on this computer"],
    [new Error("spawn failed"), "the extension's host helper could not run on this computer"],
    [undefined, "the extension's host helper could not run on this computer"],
  ])("%j → %s", (rejected, problem) => expect(hostHelperProblem(rejected)).toBe(problem));
});
