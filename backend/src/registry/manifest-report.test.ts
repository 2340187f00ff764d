import { describe, expect, it } from "vitest";
import { mediaTypes, type ManifestLayer } from "@model-publisher/contract";
import { pullCommands } from "./manifest-report.js";
import { referenceOf } from "./registry-client.js";

const layer = (mediaType: string): ManifestLayer => ({
  digest: `sha256:${"a".repeat(64)}`,
  size: 1,
  mediaType,
  annotations: {},
});

describe("pullCommands", () => {
  it.each([
    [
      "a ModelPack artifact of raw layers",
      mediaTypes.modelManifest,
      "application/vnd.cncf.model.weight.v1.raw",
      true,
      true,
    ],
    [
      "a ModelPack artifact of tar layers",
      mediaTypes.modelManifest,
      "application/vnd.cncf.model.weight.v1.tar",
      false,
      true,
    ],
    ["a generic artifact", mediaTypes.genericArtifact, mediaTypes.octetStream, false, false],
    ["an image", undefined, "application/vnd.oci.image.layer.v1.tar+gzip", false, false],
  ])("%s: aikit %s, Docker Model Runner's pull %s", (_name, artifactType, layerType, aikit, dockerModel) => {
    const ref = referenceOf("ghcr.io/acme/gemma:q4_k_m");
    const commands = pullCommands(ref, artifactType, [layer(layerType)]);
    expect(commands.dockerModel).toBe(dockerModel ? "docker model pull ghcr.io/acme/gemma:q4_k_m" : undefined);
    expect(commands.aikit).toBe(aikit ? "source: oci://ghcr.io/acme/gemma:q4_k_m" : undefined);
    expect(commands.oras).toBe("oras pull ghcr.io/acme/gemma:q4_k_m -o gemma");
  });

  it("names the reference as pulled, plain-HTTP flags for a loopback registry belong to oras and skopeo only", () => {
    const commands = pullCommands(referenceOf("127.0.0.1:5000/acme/gemma:bf16"), mediaTypes.modelManifest, [
      layer("application/vnd.cncf.model.weight.v1.raw"),
    ]);
    expect(commands).toEqual({
      oras: "oras pull --plain-http 127.0.0.1:5000/acme/gemma:bf16 -o gemma",
      skopeo: "skopeo copy --src-tls-verify=false docker://127.0.0.1:5000/acme/gemma:bf16 dir:gemma",
      aikit: "source: oci://127.0.0.1:5000/acme/gemma:bf16",
      dockerModel: "docker model pull 127.0.0.1:5000/acme/gemma:bf16",
    });
  });
});
