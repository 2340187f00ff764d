import type { FileKind, LayerPackaging } from "@model-publisher/contract";

/** Media types of the OCI image spec and the CNCF ModelPack spec (SPEC.md › Output). */
export const mediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  modelManifest: "application/vnd.cncf.model.manifest.v1+json",
  modelConfig: "application/vnd.cncf.model.config.v1+json",
  genericArtifact: "application/vnd.unknown.artifact.v1",
  octetStream: "application/octet-stream",
} as const;

/** Layer annotation keys AIKit writes and `oras pull` reads. */
export const annotationKeys = {
  title: "org.opencontainers.image.title",
  refName: "org.opencontainers.image.ref.name",
  filepath: "org.cncf.model.filepath",
  fileMetadata: "org.cncf.model.file.metadata+json",
  untested: "org.cncf.model.file.mediatype.untested",
} as const;

/** `application/vnd.cncf.model.<kind>.v1.<packaging>`. */
export function modelLayerMediaType(kind: FileKind, packaging: LayerPackaging): string {
  return `application/vnd.cncf.model.${kind}.v1.${packaging}`;
}

/** AIKit's category order: weights first, then config, docs, code, datasets. */
export const kindOrder: readonly FileKind[] = ["weight", "weight.config", "doc", "code", "dataset"];
