import { describe, expect, it } from "vitest";
import { layerKind } from "./layer-kind.js";

describe("layerKind", () => {
  it.each([
    ["application/vnd.cncf.model.weight.v1.raw", "weight"],
    ["application/vnd.cncf.model.weight.config.v1.raw", "weight.config"],
    ["application/vnd.cncf.model.doc.v1.tar+gzip", "doc"],
    ["application/vnd.cncf.model.code.v1.raw", "code"],
    ["application/vnd.oci.image.layer.v1.tar+gzip", "image layer"],
    ["application/octet-stream", "file"],
  ])("%s → %s", (mediaType, kind) => expect(layerKind(mediaType)).toBe(kind));
});
