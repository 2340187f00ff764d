import { describe, expect, it } from "vitest";
import { maxPublishTargets } from "@model-publisher/contract";
import { addTargetBlocked, checkTargets, FormPublishRequest, targetFields } from "./target-list.js";

const source = "huggingface://acme/tiny";

describe("targetFields", () => {
  it.each<[string, string, string[], object]>([
    ["one target is sent as reference, as always", " localhost:5000/a:1 ", [], { reference: "localhost:5000/a:1" }],
    [
      "several are sent as references, in order",
      "localhost:5000/a:1",
      [" ghcr.io/me/a:1"],
      { references: ["localhost:5000/a:1", "ghcr.io/me/a:1"] },
    ],
  ])("%s", (_name, first, more, want) => {
    expect(targetFields(first, more)).toStrictEqual(want);
  });

  it("leaves references out of a one-target request", () => {
    expect(targetFields("localhost:5000/a:1", [])).not.toHaveProperty("references");
    expect(targetFields("localhost:5000/a:1", ["localhost:5001/a:1"])).not.toHaveProperty("reference");
  });
});

describe("checkTargets", () => {
  it.each<[string, string[], string[]]>([
    ["distinct targets", ["localhost:5000/a:1", "localhost:5001/a:1"], ["localhost:5000/a:1", "localhost:5001/a:1"]],
    [
      "a duplicate names the target it repeats",
      ["localhost:5000/a:1", "localhost:5001/a:1", "localhost:5000/a:1"],
      ["localhost:5000/a:1", "localhost:5001/a:1", "! the same place as target 1 (localhost:5000/a:1)"],
    ],
    [
      "the same place written two ways",
      ["tiny", "docker.io/library/tiny:latest"],
      ["docker.io/library/tiny:latest", "! the same place as target 1 (docker.io/library/tiny:latest)"],
    ],
    ["an empty field is not an error yet", ["localhost:5000/a:1", "  "], ["localhost:5000/a:1", "!"]],
    [
      "a bad reference says why",
      ["localhost:5000/a:1", "localhost:5000/A:1"],
      ["localhost:5000/a:1", '! repository names are lowercase: "a"'],
    ],
    [
      "a digest alone cannot be published to",
      ["localhost:5000/a:1", `localhost:5000/a@sha256:${"a".repeat(64)}`],
      ["localhost:5000/a:1", "! add a tag to publish to (registry/repository:tag)"],
    ],
  ])("%s", (_name, texts, want) => {
    const shown = checkTargets(texts).map((check) => (check.ok ? check.normalized : `! ${check.problem ?? ""}`.trim()));
    expect(shown).toEqual(want);
  });
});

describe("addTargetBlocked", () => {
  it("allows targets up to the contract's maximum, then says why not", () => {
    expect(addTargetBlocked(1)).toBeUndefined();
    expect(addTargetBlocked(maxPublishTargets - 1)).toBeUndefined();
    expect(addTargetBlocked(maxPublishTargets)).toBe(`A publish goes to at most ${maxPublishTargets} targets.`);
  });
});

describe("FormPublishRequest", () => {
  it("refuses two targets that name the same place, which the contract alone lets through", () => {
    const request = { source, references: ["tiny", "docker.io/library/tiny:latest"] };
    const parsed = FormPublishRequest.safeParse(request);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(["references", 1]);
  });

  it("accepts what the contract accepts otherwise, one target or several", () => {
    expect(FormPublishRequest.safeParse({ source, reference: "localhost:5000/a:1" }).success).toBe(true);
    expect(
      FormPublishRequest.safeParse({ source, references: ["localhost:5000/a:1", "localhost:5001/a:1"] }).success,
    ).toBe(true);
  });
});
