import { describe, expect, it } from "vitest";
import { modelRunnerMisfit, pullReference } from "./model-runner.js";

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

describe("modelRunnerMisfit", () => {
  const raw = (path: string) => ({ mediaType: "application/vnd.cncf.model.weight.v1.raw", path });
  const doc = { mediaType: "application/vnd.cncf.model.doc.v1.raw", path: "README.md" };
  it.each([
    ["one GGUF file with its projector", [raw("m-Q4_K_M.gguf"), raw("mmproj-F16.gguf"), doc], undefined],
    [
      "every shard of one split",
      [raw("BF16/m-BF16-00001-of-00002.gguf"), raw("BF16/m-BF16-00002-of-00002.gguf"), raw("mmproj-F16.gguf")],
      undefined,
    ],
    [
      "safetensors shards",
      [raw("model-00001-of-00002.safetensors"), raw("model-00002-of-00002.safetensors")],
      undefined,
    ],
    ["no weight layer at all", [doc], undefined],
    ["two variants", [raw("m-Q4_K_M.gguf"), raw("m-Q8_0.gguf"), raw("mmproj-F16.gguf")], "several-gguf-sets"],
    [
      "a variant beside another's shards",
      [raw("m-Q4_K_M.gguf"), raw("BF16/m-BF16-00001-of-00002.gguf"), raw("BF16/m-BF16-00002-of-00002.gguf")],
      "several-gguf-sets",
    ],
    ["tar weights", [{ mediaType: "application/vnd.cncf.model.weight.v1.tar", path: "weights" }, doc], "tar-weights"],
    ["zstd tar weights", [{ mediaType: "application/vnd.cncf.model.weight.v1.tar+zstd" }], "tar-weights"],
  ])("%s → %s", (_name, layers, misfit) => expect(modelRunnerMisfit(layers)).toBe(misfit));
});
