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

/** The registry side of the buildx runner on the backend's registry client. */
export function registryAccess(client: RegistryClient): RegistryAccess {
  const repositoryOf = (reference: string, insecure: boolean) => {
    const parsed: ImageReference = referenceOf(reference);
    return { parsed, repository: client.repository(parsed, insecure), tag: parsed.tag ?? "latest" };
  };
  return {
    pushLayout: async ({ dir, reference, insecure, signal, onProgress }) => {
      const { parsed, repository, tag } = repositoryOf(reference, insecure);
      await pushLayout({ dir, repository, tag, signal, onProgress });
      return summarize(await fetchManifestReport(repository, parsed, { insecure, signal }));
    },
    inspect: async ({ reference, insecure, signal }) => {
      const { parsed, repository } = repositoryOf(reference, insecure);
      return summarize(await fetchManifestReport(repository, parsed, { insecure, signal }));
    },
  };
}
