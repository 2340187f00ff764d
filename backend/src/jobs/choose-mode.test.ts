import { describe, expect, it } from "vitest";
import type { PublishMode } from "@model-publisher/contract";
import { chooseMode, type ModeChoice } from "./choose-mode.js";

const all: PublishMode[] = ["direct", "export", "native"];
const buildxOnly: PublishMode[] = ["direct", "export"];

const cases: Array<[string, ModeChoice, PublishMode]> = [
  ["the request's mode wins", { requested: "export", builderPassthrough: true, available: all }, "export"],
  ["native is kept when asked even if not registered", { requested: "native", available: buildxOnly }, "native"],
  ["passthrough builder → direct", { builderPassthrough: true, available: all }, "direct"],
  ["stock builder → native", { builderPassthrough: false, available: all }, "native"],
  ["unknown builder → native", { available: all }, "native"],
  ["stock builder, no native runner → export", { builderPassthrough: false, available: buildxOnly }, "export"],
  ["unknown builder, no native runner → export", { available: buildxOnly }, "export"],
  ["passthrough builder, no native runner → direct", { builderPassthrough: true, available: buildxOnly }, "direct"],
  [
    "a named stock builder is used → export",
    { builderPassthrough: false, available: all, buildRequested: true },
    "export",
  ],
  [
    "a named passthrough builder → direct",
    { builderPassthrough: true, available: all, buildRequested: true },
    "direct",
  ],
];

describe("chooseMode", () => {
  it.each(cases)("%s", (_name, choice, want) => {
    expect(chooseMode(choice)).toBe(want);
  });
});
