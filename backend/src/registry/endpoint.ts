import { isLoopbackRegistry } from "@model-publisher/contract";

/** Where a registry host's API lives: Docker Hub's API host differs from its name; loopback speaks plain HTTP. */
export function registryBaseUrl(host: string, insecure = false): string {
  if (host === "docker.io") return "https://registry-1.docker.io";
  return `${insecure || isLoopbackRegistry(host) ? "http" : "https"}://${host}`;
}
