import { canceledError, RegistryError } from "./errcode.js";
import type { Repository } from "./repository.js";

/** Where the backend has put blobs: digest → registry → repositories (the job history's record of its pushes). */
export interface BlobLocations {
  /** Repositories of `registry` the backend put `digest` in, most recent first, `except` left out. */
  repositoriesWith(registry: string, digest: string, except: string): string[];
  /** Remembers that `repository` of `registry` holds these blobs (committed, mounted or seen there). */
  record(registry: string, repository: string, digests: readonly string[]): void;
  /** Forgets a repository that turned out not to hold the blob (its mount answered 202). */
  forget(registry: string, repository: string, digest: string): void;
}

/** How a blob came to be in a repository, or that it is not there yet. */
export type BlobPlace = { state: "present" } | { state: "mounted"; from: string } | { state: "missing" };

/** Mount sources tried per blob: each miss costs a request, and a registry that lost one has likely lost all. */
const maxMountTries = 2;

/**
 * Asks the registry to link `digest` into `repo` from another repository of the same registry (OCI distribution:
 * `POST /v2/<repo>/blobs/uploads/?mount=<digest>&from=<other>`), trying `sources` in order. 201 means the blob is
 * there and nothing moved; 202 means the registry started an upload instead, which `Repository.mountBlob` ends, so
 * the caller uploads as usual. A refused mount (no pull on the source) counts as a miss. The source it came from.
 */
export async function mountBlobFrom(
  repo: Repository,
  digest: string,
  sources: readonly string[],
  options: { locations?: BlobLocations; signal?: AbortSignal } = {},
): Promise<string | undefined> {
  for (const from of sources.filter((source) => source !== repo.name).slice(0, maxMountTries)) {
    if (options.signal?.aborted) throw canceledError();
    let mounted: boolean;
    try {
      mounted = await repo.mountBlob(digest, from, options.signal);
    } catch (err) {
      if (options.signal?.aborted || (err instanceof RegistryError && err.code === "canceled")) throw err;
      mounted = false;
    }
    if (mounted) {
      options.locations?.record(repo.host, repo.name, [digest]);
      return from;
    }
    options.locations?.forget(repo.host, from, digest);
  }
  return undefined;
}

/**
 * Where a blob stands in `repo` before it is sent: there already (HEAD), mounted from a repository of the same
 * registry the backend put it in (`locations`, after any `sources` the caller knows of), or missing.
 */
export async function placeBlob(
  repo: Repository,
  digest: string,
  options: { locations?: BlobLocations; sources?: readonly string[]; signal?: AbortSignal } = {},
): Promise<BlobPlace> {
  if ((await repo.statBlob(digest, options.signal)).exists) {
    options.locations?.record(repo.host, repo.name, [digest]);
    return { state: "present" };
  }
  const known = options.locations?.repositoriesWith(repo.host, digest, repo.name) ?? [];
  const sources = [...new Set([...(options.sources ?? []), ...known])];
  const from = await mountBlobFrom(repo, digest, sources, options);
  return from === undefined ? { state: "missing" } : { state: "mounted", from };
}
