import type { BlobLocations } from "../registry/blob-mount.js";
import { copyArtifact } from "../registry/copy-artifact.js";
import { pushLayout } from "../registry/layout-pusher.js";
import { referenceOf, type RegistryClient } from "../registry/registry-client.js";
import { fetchManifestReport } from "../registry/manifest-report.js";
import type { ImageReference, ManifestReport } from "@model-publisher/contract";
import type { PublishedManifest, RegistryAccess } from "./run-build.js";

function summarize(report: ManifestReport): PublishedManifest {
  const config = (report.manifest as { config?: { mediaType?: string; size?: number } }).config;
  const artifactType = (report.manifest as { artifactType?: unknown }).artifactType;
  return {
    digest: report.digest,
    mediaType: report.mediaType,
    ...(typeof artifactType === "string" ? { artifactType } : {}),
    ...(config?.mediaType ? { configMediaType: config.mediaType } : {}),
    // The layers' bytes, as GET /manifest counts them, so a job and the report of its push agree.
    totalSize: report.totalSize,
    report,
  };
}

/**
 * The registry side of the buildx runner on the backend's registry client; `locations` (the job history's record of
 * what was pushed where) lets pushes and copies mount blobs another repository of a registry holds.
 */
export function registryAccess(client: RegistryClient, locations?: BlobLocations): RegistryAccess {
  const repositoryOf = (reference: string, insecure: boolean) => {
    const parsed: ImageReference = referenceOf(reference);
    return { parsed, repository: client.repository(parsed, insecure), tag: parsed.tag ?? "latest" };
  };
  return {
    pushLayout: async ({ dir, reference, insecure, signal, onProgress }) => {
      const { parsed, repository, tag } = repositoryOf(reference, insecure);
      await pushLayout({ dir, repository, tag, signal, onProgress, ...(locations ? { locations } : {}) });
      return summarize(await fetchManifestReport(repository, parsed, { insecure, signal }));
    },
    copy: async ({ from, digest, reference, insecure, signal, onProgress }) => {
      const source = repositoryOf(from.reference, from.insecure);
      const { parsed, repository, tag } = repositoryOf(reference, insecure);
      await copyArtifact({
        from: source.repository,
        digest,
        to: repository,
        tag,
        signal,
        onProgress,
        ...(locations ? { locations } : {}),
      });
      return summarize(await fetchManifestReport(repository, parsed, { insecure, signal }));
    },
    inspect: async ({ reference, insecure, signal }) => {
      const { parsed, repository } = repositoryOf(reference, insecure);
      return summarize(await fetchManifestReport(repository, parsed, { insecure, signal }));
    },
  };
}
