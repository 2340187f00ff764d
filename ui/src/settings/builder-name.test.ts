import { describe, expect, it } from "vitest";
import { freshBuilderName } from "./builder-name.js";

describe("freshBuilderName", () => {
  it.each([
    [[], "model-publisher"],
    [["default", "mybuilder"], "model-publisher"],
    [["model-publisher"], "model-publisher-2"],
    [["model-publisher", "model-publisher-2", "model-publisher-4"], "model-publisher-3"],
  ])("%j → %s", (taken, name) => expect(freshBuilderName(taken)).toBe(name));
});
