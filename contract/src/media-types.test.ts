import { describe, expect, it } from "vitest";
import { isImageLayer, modelLayerKind, modelLayerMediaType } from "./media-types.js";

describe("ModelPack layer media types", () => {
  it.each([
    ["weight", "raw", "application/vnd.cncf.model.weight.v1.raw"],
    ["weight.config", "raw", "application/vnd.cncf.model.weight.config.v1.raw"],
    ["doc", "tar+gzip", "application/vnd.cncf.model.doc.v1.tar+gzip"],
    ["dataset", "tar+zstd", "application/vnd.cncf.model.dataset.v1.tar+zstd"],
  ] as const)("%s as %s is %s, and reads back as %s", (kind, packaging, mediaType) => {
    expect(modelLayerMediaType(kind, packaging)).toBe(mediaType);
    expect(modelLayerKind(mediaType)).toBe(kind);
  });

  it.each([
    ["application/vnd.cncf.model.code.v2.raw", "code", false],
    ["application/vnd.cncf.model.manifest.v1+json", undefined, false],
    ["application/vnd.oci.image.layer.v1.tar+gzip", undefined, true],
    ["application/vnd.docker.image.rootfs.diff.tar.gzip", undefined, true],
    ["application/octet-stream", undefined, false],
  ])("%s: model kind %s, image layer %s", (mediaType, kind, imageLayer) => {
    expect(modelLayerKind(mediaType)).toBe(kind);
    expect(isImageLayer(mediaType)).toBe(imageLayer);
  });
});
