export const ociManifest = "application/vnd.oci.image.manifest.v1+json";
export const ociIndex = "application/vnd.oci.image.index.v1+json";
export const dockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
export const dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";

/** What a manifest GET accepts: OCI and Docker, single and multi-platform. */
export const manifestAccept = [ociManifest, ociIndex, dockerManifest, dockerManifestList].join(", ");

export const modelpackArtifactType = "application/vnd.cncf.model.manifest.v1+json";
