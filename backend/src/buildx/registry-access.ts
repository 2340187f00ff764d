import { PublishError } from "../jobs/publish-queue.js";
import { RegistryError } from "../registry/errcode.js";
import { pushLayout } from "../registry/layout-pusher.js";
import { referenceOf, type RegistryClient } from "../registry/registry-client.js";
import type { Repository } from "../registry/repository.js";
import type { PublishedManifest, RegistryAccess } from "./run-build.js";

interface ManifestShape {
  mediaType?: string;
  artifactType?: string;
  config?: { mediaType?: string; size?: number };
  layers?: Array<{ size?: number }>;
}

function summarize(bytes: Buffer, digest: string, mediaType: string): PublishedManifest {
  const manifest = JSON.parse(bytes.toString("utf8")) as ManifestShape;
  const layerBytes = (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0);
  return {
    digest,
    mediaType: manifest.mediaType ?? mediaType,
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.config?.mediaType ? { configMediaType: manifest.config.mediaType } : {}),
    totalSize: layerBytes + (manifest.config?.size ?? 0),
  };
}

/** Registry errors end the job with their contract code and message. */
async function asPublishError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RegistryError) throw new PublishError(err.code, err.message);
    throw err;
  }
}

/** The registry side of the buildx runner on the backend's registry client. */
export function registryAccess(client: RegistryClient): RegistryAccess {
  const repositoryOf = (reference: string, insecure: boolean): { repository: Repository; tag: string } => {
    const parsed = referenceOf(reference);
    return { repository: client.repository(parsed, insecure), tag: parsed.tag ?? "latest" };
  };
  return {
    pushLayout: ({ dir, reference, insecure, signal, onProgress }) =>
      asPublishError(async () => {
        const { repository, tag } = repositoryOf(reference, insecure);
        const pushed = await pushLayout({ dir, repository, tag, signal, onProgress });
        const fetched = await repository.getManifest(tag, signal);
        return summarize(fetched.bytes, pushed.digest, pushed.mediaType);
      }),
    inspect: ({ reference, insecure, signal }) =>
      asPublishError(async () => {
        const { repository, tag } = repositoryOf(reference, insecure);
        const fetched = await repository.getManifest(tag, signal);
        return summarize(fetched.bytes, fetched.digest, fetched.mediaType);
      }),
  };
}
