import { describe, expect, it } from "vitest";
import { pullReference } from "./model-runner.js";

describe("pullReference", () => {
  it.each([
    ["docker model pull localhost:5000/acme/gemma:q4_k_m", "localhost:5000/acme/gemma:q4_k_m"],
    ["docker model pull docker.io/me/gemma@sha256:0123", "docker.io/me/gemma@sha256:0123"],
    ["  docker model pull ghcr.io/me/m:v1 ", "ghcr.io/me/m:v1"],
    ["docker model pull", undefined],
    ["docker model pull --ignore-runtime-memory-check", undefined],
    ["docker model pull a b", undefined],
    ["docker pull localhost:5000/x:y", undefined],
    ["oras pull localhost:5000/x:y -o x", undefined],
  ])("%j → %s", (command, reference) => expect(pullReference(command)).toBe(reference));
});
