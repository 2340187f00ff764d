/**
 * The one name of a registry, however a Docker config, a credential helper or a reference spells it: no scheme,
 * path or case, and Docker Hub by any of its names is `docker.io`. Pure; the backend's credential store, the UI
 * and the host helper (its `registry_id`) agree on it.
 */

/** Docker Hub's own name, as references normalise to it. */
export const dockerHubRegistry = "docker.io";

/** The names Docker Hub goes by in configs and references, beside `docker.io`. */
export const dockerHubAliases: readonly string[] = ["index.docker.io", "registry-1.docker.io"];

/** `https://index.docker.io/v1/` → `docker.io`; `https://GHCR.io/v2/` → `ghcr.io`; `localhost:5000` as it is. */
export function registryKey(host: string): string {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, "")
    .replace(/\/.*$/, "");
  return dockerHubAliases.includes(bare) ? dockerHubRegistry : bare;
}

/** True when both name the same registry. */
export function sameRegistry(a: string, b: string): boolean {
  return registryKey(a) === registryKey(b);
}
