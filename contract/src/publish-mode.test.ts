import { describe, expect, it } from "vitest";
import { chooseMode, fallbackMode, nativeRefusal, type ModeInputs } from "./publish-mode.js";
import type { PublishMode } from "./publish.js";

const buildxOnly: PublishMode[] = ["direct", "export"];
const stock = { name: "stock", passthrough: false };
const passthrough = { name: "pt", passthrough: true };
const httpsRefusal = nativeRefusal({ source: "https://example.com/model.gguf" });

const cases: Array<[string, ModeInputs, PublishMode]> = [
  ["the request's mode wins", { requested: "export", builder: passthrough }, "export"],
  ["native is kept when asked even if not available", { requested: "native", available: buildxOnly }, "native"],
  ["passthrough builder → direct", { builder: passthrough }, "direct"],
  ["passthrough builder but no buildx → native", { builder: passthrough, buildxAvailable: false }, "native"],
  ["stock builder → native", { builder: stock }, "native"],
  ["no builder → native", {}, "native"],
  ["a builder not known to pass layouts through → native", { builder: { name: "b" } }, "native"],
  ["no builder, no buildx → native", { buildxAvailable: false }, "native"],
  ["stock builder, no native runner → export", { builder: stock, available: buildxOnly }, "export"],
  ["no builder, no native runner → export", { available: buildxOnly }, "export"],
  ["passthrough builder, no native runner → direct", { builder: passthrough, available: buildxOnly }, "direct"],
  ["a named stock builder is used → export", { builder: stock, buildRequested: true }, "export"],
  ["a named passthrough builder → direct", { builder: passthrough, buildRequested: true }, "direct"],
  ["native refuses an https file → export", { builder: stock, nativeRefused: httpsRefusal }, "export"],
  [
    "native named though it refuses → native (the caller answers the refusal)",
    { requested: "native", nativeRefused: httpsRefusal },
    "native",
  ],
  [
    "a passthrough builder, no direct runner → native",
    { builder: passthrough, available: ["export", "native"] },
    "native",
  ],
];

describe("chooseMode", () => {
  it.each(cases)("%s", (_name, inputs, want) => {
    expect(chooseMode(inputs).mode).toBe(want);
  });

  it("says why, naming the builder", () => {
    expect(chooseMode({ builder: stock }).reason).toContain("stock");
    expect(chooseMode({ buildxAvailable: false }).reason).toContain("No buildx");
    expect(chooseMode({ nativeRefused: httpsRefusal }).reason).toContain("https://");
  });

  it.each<[ModeInputs, string]>([
    [{ builder: passthrough }, "Builder pt runs the passthrough BuildKit, so it can push the artifact itself."],
    [
      { builder: stock },
      "Builder stock cannot push artifacts as-is, so the backend streams the files from the Hub itself.",
    ],
    [{}, "No builder is set up, so the backend streams the files from the Hub itself."],
    [{ buildxAvailable: false }, "No buildx here, so the backend streams the files from the Hub itself."],
  ])("gives the reason the Publish form shows for %j", (inputs, reason) => {
    expect(chooseMode(inputs).reason).toBe(reason);
  });
});

describe("nativeRefusal and fallbackMode", () => {
  it.each([
    ["huggingface://acme/tiny", undefined, "native"],
    ["huggingface://acme/tiny", "tar", "export"],
    ["https://example.com/model.gguf", undefined, "export"],
  ] as const)("%s %s → %s", (source, layerPackaging, mode) => {
    const request = { source, ...(layerPackaging ? { layerPackaging } : {}) };
    expect(fallbackMode(request)).toBe(mode);
    expect(nativeRefusal(request) === undefined).toBe(mode === "native");
  });
});
