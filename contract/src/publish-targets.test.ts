import { describe, expect, it } from "vitest";
import { PublishRequest, publishTargets } from "./publish.js";

const source = "huggingface://acme/tiny";

describe("PublishRequest targets", () => {
  it("takes one reference, or 1–8 distinct references, and reads the first as reference", () => {
    const one = PublishRequest.parse({ source, reference: "localhost:5000/a:1" });
    expect(publishTargets(one)).toEqual(["localhost:5000/a:1"]);
    const many = PublishRequest.parse({ source, references: ["localhost:5000/a:1", "localhost:5001/a:1"] });
    expect(many.reference).toBe("localhost:5000/a:1");
    expect(publishTargets(many)).toEqual(["localhost:5000/a:1", "localhost:5001/a:1"]);
  });

  it.each([
    ["empty", { references: [] }],
    ["duplicates", { references: ["localhost:5000/a:1", "localhost:5000/a:1"] }],
    ["nine", { references: Array.from({ length: 9 }, (_, i) => `localhost:5000/a:${i}`) }],
    ["not a list", { references: "localhost:5000/a:1" }],
    ["mixed with reference", { reference: "localhost:5000/a:1", references: ["localhost:5000/b:1"] }],
    ["neither", {}],
    ["a digest-only target", { references: [`localhost:5000/a@sha256:${"a".repeat(64)}`] }],
  ])("refuses %s", (_name, targets) => {
    expect(PublishRequest.safeParse({ source, ...targets }).success).toBe(false);
  });

  it("takes a quantization name as the model answers it", () => {
    expect(PublishRequest.safeParse({ source, reference: "r/a:1", quantization: "UD-Q4_K_XL" }).success).toBe(true);
    expect(PublishRequest.safeParse({ source, reference: "r/a:1", quantization: "../x" }).success).toBe(false);
    expect(PublishRequest.safeParse({ source, reference: "r/a:1", quantization: "" }).success).toBe(false);
  });

  it.each([
    ["a single file of a repo", "huggingface://acme/tiny/model-Q4_K_M.gguf"],
    ["an https:// source", "https://example.com/model-Q4_K_M.gguf"],
  ])("refuses a quantization with %s, naming the field", (_name, single) => {
    const parsed = PublishRequest.safeParse({ source: single, reference: "r/a:1", quantization: "Q4_K_M" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([["quantization"]]);
    expect(PublishRequest.safeParse({ source: single, reference: "r/a:1" }).success).toBe(true);
  });
});
