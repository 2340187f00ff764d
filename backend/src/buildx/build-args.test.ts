import { describe, expect, it } from "vitest";
import type { PublishRequest } from "@model-publisher/contract";
import { buildCommand, defaultArtifactName, type BuildCommandInput } from "./build-args.js";

const frontend = "ghcr.io/kaito-project/aikit/aikit:v0.21.0";

function input(request: Partial<PublishRequest>, extra: Partial<BuildCommandInput> = {}): BuildCommandInput {
  return {
    request: {
      source: "huggingface://acme/tiny-model",
      reference: "ghcr.io/acme/tiny:1",
      target: "modelpack",
      ...request,
    } as PublishRequest,
    mode: "direct",
    builder: "mp-passthrough",
    frontendImage: frontend,
    metadataFile: "/state/tmp/job1/metadata.json",
    exportDir: "/state/tmp/job1/out",
    contextDir: "/state/tmp/job1/context",
    tokenSet: false,
    ...extra,
  };
}

const head = ["buildx", "build", "--builder", "mp-passthrough", "--build-arg", `BUILDKIT_SYNTAX=${frontend}`];
const tail = [
  "--provenance=false",
  "--sbom=false",
  "--progress=rawjson",
  "--metadata-file",
  "/state/tmp/job1/metadata.json",
];
const end = ["-f", "-", "/state/tmp/job1/context"];

const accepted: Array<{ name: string; input: BuildCommandInput; args: string[]; reference: string }> = [
  {
    name: "direct push of a whole repo, name from the repo",
    input: input({}),
    args: [
      ...head,
      ...["--target", "packager/modelpack", "--build-arg", "source=huggingface://acme/tiny-model"],
      ...["--build-arg", "name=tiny-model"],
      ...tail,
      ...["--output", "type=image,name=ghcr.io/acme/tiny:1,push=true"],
      ...end,
    ],
    reference: "ghcr.io/acme/tiny:1",
  },
  {
    name: "export of a generic artifact with every option and a token",
    input: input(
      {
        target: "generic",
        source: "huggingface://acme/Tiny_Model@v1.0",
        name: "tiny.v1",
        layerPackaging: "tar+zstd",
        exclude: ["original/*", "metal/*.bin", "[ab]?.txt"],
      },
      { mode: "export", tokenSet: true },
    ),
    args: [
      ...head,
      ...["--target", "packager/generic", "--build-arg", "source=huggingface://acme/Tiny_Model@v1.0"],
      ...["--build-arg", "name=tiny.v1", "--build-arg", "layer_packaging=tar+zstd"],
      ...["--build-arg", "exclude='original/*' 'metal/*.bin' '[ab]?.txt'"],
      ...tail,
      ...["--secret", "id=hf-token,env=HF_TOKEN"],
      ...["--output", "type=local,dest=/state/tmp/job1/out"],
      ...end,
    ],
    reference: "ghcr.io/acme/tiny:1",
  },
  {
    name: "a loopback registry is pushed over plain HTTP, a short Hub reference is normalised",
    input: input({ reference: "localhost:5000/acme/tiny" }),
    args: [
      ...head,
      ...["--target", "packager/modelpack", "--build-arg", "source=huggingface://acme/tiny-model"],
      ...["--build-arg", "name=tiny-model"],
      ...tail,
      ...["--output", "type=image,name=localhost:5000/acme/tiny:latest,push=true,registry.insecure=true"],
      ...end,
    ],
    reference: "localhost:5000/acme/tiny:latest",
  },
  {
    name: "insecureRegistry on request; a single-file source; a Docker Hub short name",
    input: input({
      reference: "acme/tiny:q4",
      source: "huggingface://acme/tiny-model/gguf/model-Q4_K_M.gguf",
      insecureRegistry: true,
    }),
    args: [
      ...head,
      ...["--target", "packager/modelpack"],
      ...["--build-arg", "source=huggingface://acme/tiny-model/gguf/model-Q4_K_M.gguf"],
      ...["--build-arg", "name=tiny-model"],
      ...tail,
      ...["--output", "type=image,name=docker.io/acme/tiny:q4,push=true,registry.insecure=true"],
      ...end,
    ],
    reference: "docker.io/acme/tiny:q4",
  },
];

const bad = (field: string, request: Partial<PublishRequest>, extra: Partial<BuildCommandInput> = {}) => ({
  field,
  input: input(request, extra),
});

/** Every value that must never reach the command line (acceptance 1). */
const rejected: Array<[string, ReturnType<typeof bad>]> = [
  ["name with a single quote", bad("name", { name: "tiny'model" })],
  ["name with a double quote", bad("name", { name: 'tiny"model' })],
  ["name with ;", bad("name", { name: "tiny;rm -rf /" })],
  ["name with $()", bad("name", { name: "$(id)" })],
  ["name with backticks", bad("name", { name: "`id`" })],
  ["name with a newline", bad("name", { name: "tiny\nmodel" })],
  ["name with a carriage return", bad("name", { name: "tiny\rmodel" })],
  ["name with NUL", bad("name", { name: "tiny\x00model" })],
  ["name with uppercase", bad("name", { name: "Tiny" })],
  ["name starting with a dot", bad("name", { name: ".tiny" })],
  ["name with a space", bad("name", { name: "tiny model" })],
  ["empty name", bad("name", { name: "" })],
  ["exclude with a single quote", bad("exclude", { exclude: ["a'/*"] })],
  ["exclude closing the quote and running a command", bad("exclude", { exclude: ["*' ; touch /x ; '"] })],
  ["exclude with a double quote", bad("exclude", { exclude: ['a"b'] })],
  ["exclude with ;", bad("exclude", { exclude: ["a;b"] })],
  ["exclude with $()", bad("exclude", { exclude: ["$(id)/*"] })],
  ["exclude with ${}", bad("exclude", { exclude: ["${HOME}"] })],
  ["exclude with backticks", bad("exclude", { exclude: ["`id`"] })],
  ["exclude with a newline", bad("exclude", { exclude: ["a/*\nb/*"] })],
  ["exclude with NUL", bad("exclude", { exclude: ["a\x00"] })],
  ["exclude with a space", bad("exclude", { exclude: ["a b"] })],
  ["exclude with a pipe", bad("exclude", { exclude: ["a|b"] })],
  ["exclude with &", bad("exclude", { exclude: ["a&b"] })],
  ["exclude with a backslash", bad("exclude", { exclude: ["a\\b"] })],
  ["exclude outside the repo (..)", bad("exclude", { exclude: ["../x"] })],
  ["exclude absolute", bad("exclude", { exclude: ["/etc/*"] })],
  ["empty exclude pattern", bad("exclude", { exclude: [""] })],
  ["exclude on a single-file source", bad("exclude", { source: "huggingface://acme/t/model.gguf", exclude: ["a"] })],
  ["exclude on a URL source", bad("exclude", { source: "https://example.com/model.gguf", exclude: ["a"] })],
  ["reference with a single quote", bad("reference", { reference: "ghcr.io/acme/tiny:1'" })],
  ["reference with a double quote", bad("reference", { reference: 'ghcr.io/acme/"tiny' })],
  ["reference with ;", bad("reference", { reference: "ghcr.io/acme/tiny;id" })],
  ["reference with $()", bad("reference", { reference: "ghcr.io/acme/$(id):1" })],
  ["reference with backticks", bad("reference", { reference: "ghcr.io/acme/`id`:1" })],
  ["reference with a newline", bad("reference", { reference: "ghcr.io/acme/tiny:1\n--push" })],
  ["reference with NUL", bad("reference", { reference: "ghcr.io/acme/tiny\x00:1" })],
  ["reference with a comma (would add an output option)", bad("reference", { reference: "r.io/a:1,push=false" })],
  ["reference with uppercase repository", bad("reference", { reference: "ghcr.io/Acme/tiny:1" })],
  ["reference with a URL scheme", bad("reference", { reference: "https://ghcr.io/acme/tiny:1" })],
  ["reference with only a digest", bad("reference", { reference: `ghcr.io/acme/tiny@sha256:${"a".repeat(64)}` })],
  ["source with a quote", bad("source", { source: "huggingface://acme/tiny'" })],
  ["source with $()", bad("source", { source: "huggingface://acme/$(id)" })],
  ["source with a newline", bad("source", { source: "huggingface://acme/tiny\n" })],
  ["source of an unknown scheme", bad("source", { source: "file:///etc/passwd" })],
  ["unknown layer packaging", bad("layerPackaging", { layerPackaging: "zip" as PublishRequest["layerPackaging"] })],
  ["builder with ;", bad("builder", {}, { builder: "b;id" })],
  ["builder with a space", bad("builder", {}, { builder: "my builder" })],
  ["builder starting with -", bad("builder", {}, { builder: "--push" })],
  ["frontend image with $()", bad("frontendImage", {}, { frontendImage: "ghcr.io/$(id):1" })],
  ["frontend image with a newline", bad("frontendImage", {}, { frontendImage: "ghcr.io/a/b:1\n" })],
  ["relative context dir", bad("contextDir", {}, { contextDir: "context" })],
  ["export dir with a comma", bad("exportDir", {}, { mode: "export", exportDir: "/tmp/a,type=image" })],
  ["metadata file with a newline", bad("metadataFile", {}, { metadataFile: "/tmp/m\n.json" })],
];

describe("buildCommand", () => {
  it.each(accepted)("$name", ({ input: given, args, reference }) => {
    const command = buildCommand(given);
    expect(command).toEqual({ ok: true, args, reference, insecure: expect.any(Boolean) });
  });

  it.each(rejected)("rejects %s", (_name, { field, input: given }) => {
    const command = buildCommand(given);
    expect(command.ok).toBe(false);
    if (!command.ok) {
      expect(command.field).toBe(field);
      expect(command.reason.length).toBeGreaterThan(10);
    }
  });

  it("never puts the token value anywhere in argv, only the secret's env name", () => {
    const command = buildCommand(input({}, { tokenSet: true }));
    expect(command.ok && command.args.filter((arg) => arg.includes("hf-token"))).toEqual(["id=hf-token,env=HF_TOKEN"]);
    const plain = buildCommand(input({}));
    expect(plain.ok && plain.args).not.toContain("--secret");
  });
});

describe("defaultArtifactName", () => {
  it.each([
    ["huggingface://Qwen/Qwen3-0.6B", "qwen3-0.6b"],
    ["huggingface://acme/tiny@v1/a/b.gguf", "tiny"],
    ["https://example.com/files/Model_Q4.gguf", "model_q4"],
    ["huggingface://acme/__x", "x"],
    ["not a source", "aikitmodel"],
  ])("%s → %s", (source, want) => {
    expect(defaultArtifactName(source)).toBe(want);
  });
});
