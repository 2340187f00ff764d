import { describe, expect, it } from "vitest";
import { buildModelConfig } from "./model-config.js";
import {
  fileMetadataAnnotation,
  orderLayerFiles,
  planManifest,
  sha256Digest,
  type LayerFile,
} from "./plan-manifest.js";
import { validateConfig } from "./testdata/validate-config.js";

const hex = (c: string) => c.repeat(64);
const files: LayerFile[] = [
  { path: "README.md", size: 10, sha256: hex("1"), kind: "doc" },
  { path: "model-00002.safetensors", size: 300, sha256: hex("2"), kind: "weight" },
  { path: "config.json", size: 20, sha256: hex("3"), kind: "weight.config" },
  { path: "Model-00001.safetensors", size: 200, sha256: hex("4"), kind: "weight" },
  { path: "modeling.py", size: 5, sha256: hex("5"), kind: "code" },
  { path: "data/train.parquet", size: 7, sha256: hex("6"), kind: "dataset" },
];

function configFor(digests: string[]) {
  return buildModelConfig({
    repo: "acme/tiny-llm",
    commit: "a".repeat(40),
    layerDigests: digests,
    weightFiles: files.filter((f) => f.kind === "weight"),
    license: "apache-2.0",
    parameters: 596049920,
    createdAt: "2026-11-28T10:00:00Z",
  });
}

describe("planManifest", () => {
  it("orders layers like AIKit: category, then byte order of the path", () => {
    expect(orderLayerFiles(files).map((f) => f.path)).toEqual([
      "Model-00001.safetensors",
      "model-00002.safetensors",
      "config.json",
      "README.md",
      "modeling.py",
      "data/train.parquet",
    ]);
  });

  it("builds a ModelPack manifest whose layer digests are the files' sha256", () => {
    const plan = planManifest(files, "modelpack", configFor);
    const manifest = JSON.parse(plan.manifest.bytes.toString("utf8"));
    expect(manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    expect(manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    expect(manifest.config.mediaType).toBe("application/vnd.cncf.model.config.v1+json");
    expect(manifest.config.digest).toBe(sha256Digest(plan.config.bytes));
    expect(plan.manifest.digest).toBe(sha256Digest(plan.manifest.bytes));
    const first = manifest.layers[0];
    expect(first).toEqual({
      mediaType: "application/vnd.cncf.model.weight.v1.raw",
      digest: `sha256:${hex("4")}`,
      size: 200,
      annotations: {
        "org.opencontainers.image.title": "Model-00001.safetensors",
        "org.cncf.model.filepath": "Model-00001.safetensors",
        "org.cncf.model.file.metadata+json": fileMetadataAnnotation("Model-00001.safetensors", 200),
        "org.cncf.model.file.mediatype.untested": "true",
      },
    });
    expect(manifest.layers.map((l: { mediaType: string }) => l.mediaType)).toEqual([
      "application/vnd.cncf.model.weight.v1.raw",
      "application/vnd.cncf.model.weight.v1.raw",
      "application/vnd.cncf.model.weight.config.v1.raw",
      "application/vnd.cncf.model.doc.v1.raw",
      "application/vnd.cncf.model.code.v1.raw",
      "application/vnd.cncf.model.dataset.v1.raw",
    ]);
  });

  it("writes a config that validates against the ModelPack schema, diffIds in layer order", () => {
    const plan = planManifest(files, "modelpack", configFor);
    const config = JSON.parse(plan.config.bytes.toString("utf8"));
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config.modelfs.diffIds).toEqual(plan.layers.map((l) => l.descriptor.digest));
    expect(config.descriptor).toMatchObject({
      name: "tiny-llm",
      sourceURL: "https://huggingface.co/acme/tiny-llm",
      revision: "a".repeat(40),
      licenses: ["apache-2.0"],
    });
    expect(config.config).toEqual({ format: "safetensors", paramSize: "596m" });
  });

  it("the schema rejects AIKit's empty config and unknown fields", () => {
    expect(validateConfig({})).toBe(false);
    const plan = planManifest(files, "modelpack", configFor);
    const config = JSON.parse(plan.config.bytes.toString("utf8"));
    expect(validateConfig({ ...config, extra: 1 })).toBe(false);
  });

  it("builds a generic artifact with an empty config and octet-stream layers", () => {
    const plan = planManifest(files, "generic", configFor);
    const manifest = JSON.parse(plan.manifest.bytes.toString("utf8"));
    expect(manifest.artifactType).toBe("application/vnd.unknown.artifact.v1");
    expect(manifest.config).toEqual({
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      size: 2,
    });
    expect(new Set(manifest.layers.map((l: { mediaType: string }) => l.mediaType))).toEqual(
      new Set(["application/octet-stream"]),
    );
  });
});
