import { isLoopbackHost, isLoopbackRegistry } from "@model-publisher/contract";

/**
 * A URL whose host is loopback, reached at `loopbackHost` instead (same scheme, port and path): where the backend's
 * own loopback is not the user's (Docker Desktop's VM), the user's machine is that host. Other URLs are unchanged.
 */
export function reachableUrl(url: string | URL, loopbackHost?: string): URL {
  const target = new URL(url);
  if (loopbackHost && isLoopbackHost(target.hostname)) target.hostname = loopbackHost;
  return target;
}

/**
 * Where a registry host's API lives: Docker Hub's API host differs from its name; loopback speaks plain HTTP, and
 * with `loopbackHost` (REGISTRY_LOOPBACK_HOST) a loopback registry is reached at that host, same port, plain HTTP.
 * The registry's name (credentials, job records, reports) stays the host as the user typed it.
 */
export function registryBaseUrl(host: string, insecure = false, loopbackHost?: string): string {
  if (host === "docker.io") return "https://registry-1.docker.io";
  if (loopbackHost) {
    const plain = new URL(`http://${host}`);
    if (isLoopbackHost(plain.hostname)) return reachableUrl(plain, loopbackHost).origin;
  }
  return `${insecure || isLoopbackRegistry(host) ? "http" : "https"}://${host}`;
}
