import type { FileKind } from "./models.js";
import type { LayerPackaging } from "./publish.js";

/** Media types of the OCI image spec, Docker's registry and the CNCF ModelPack spec (SPEC.md › Output). */
export const mediaTypes = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  modelManifest: "application/vnd.cncf.model.manifest.v1+json",
  modelConfig: "application/vnd.cncf.model.config.v1+json",
  genericArtifact: "application/vnd.unknown.artifact.v1",
  genericConfig: "application/vnd.unknown.config.v1+json",
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

/** The file kind a ModelPack layer's media type names (`application/vnd.cncf.model.<kind>.v<n>.<format>`). */
export function modelLayerKind(mediaType: string): string | undefined {
  return /^application\/vnd\.cncf\.model\.([a-z.]+)\.v\d+\./.exec(mediaType)?.[1];
}

/** True for a container image's filesystem layer (OCI or Docker). */
export function isImageLayer(mediaType: string): boolean {
  return /image\.layer|docker\.image\.rootfs/.test(mediaType);
}
