import { describe, expect, it } from "vitest";
import { defaultArtifactName, defaultReference } from "./publish-defaults.js";

describe("defaultReference", () => {
  it.each<[string, string, { host: string; username: string }[], string]>([
    ["acme/tiny-llm", "main", [], "localhost:5000/acme/tiny-llm:latest"],
    ["Qwen/Qwen3-0.6B", "main", [], "localhost:5000/qwen/qwen3-0.6b:latest"],
    ["acme/tiny-llm", "v1.0", [], "localhost:5000/acme/tiny-llm:v1.0"],
    ["acme/tiny-llm", "refs/pr/1", [], "localhost:5000/acme/tiny-llm:latest"],
    ["acme/tiny-llm", "main", [{ host: "ghcr.io", username: "Me" }], "ghcr.io/me/tiny-llm:latest"],
    ["acme/Weird__Name--x", "main", [], "localhost:5000/acme/weird-name-x:latest"],
  ])("%s@%s", (id, revision, registries, reference) => {
    expect(defaultReference(id, revision, registries)).toBe(reference);
  });
});

describe("defaultArtifactName", () => {
  it.each([
    ["Qwen/Qwen3-0.6B", "qwen3-0.6b"],
    ["acme/_tiny", "tiny"],
  ])("%s → %s", (id, name) => expect(defaultArtifactName(id)).toBe(name));
});
