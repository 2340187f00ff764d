import { describe, expect, it } from "vitest";
import { registryKey, sameRegistry } from "./registry-key.js";

describe("registryKey", () => {
  it.each([
    ["docker.io", "docker.io"],
    ["index.docker.io", "docker.io"],
    ["registry-1.docker.io", "docker.io"],
    ["https://index.docker.io/v1/", "docker.io"],
    ["http://index.docker.io/v1", "docker.io"],
    ["https://registry-1.docker.io/v2/", "docker.io"],
    ["Docker.IO", "docker.io"],
    ["ghcr.io", "ghcr.io"],
    ["https://ghcr.io", "ghcr.io"],
    ["https://GHCR.io/v2/", "ghcr.io"],
    ["localhost:5000", "localhost:5000"],
    ["http://localhost:5000/", "localhost:5000"],
    ["127.0.0.1:5000", "127.0.0.1:5000"],
    ["[::1]:5000", "[::1]:5000"],
    ["123456789012.dkr.ecr.eu-west-1.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"],
    // A look-alike is not Docker Hub.
    ["docker.io.example.com", "docker.io.example.com"],
    ["index.docker.io:443", "index.docker.io:443"],
  ])("%s → %s", (host, key) => expect(registryKey(host)).toBe(key));
});

describe("sameRegistry", () => {
  it.each([
    ["docker.io", "https://index.docker.io/v1/", true],
    ["index.docker.io", "registry-1.docker.io", true],
    ["ghcr.io", "https://ghcr.io", true],
    ["localhost:5000", "localhost:5001", false],
    ["docker.io", "ghcr.io", false],
  ])("%s and %s: %s", (a, b, same) => expect(sameRegistry(a, b)).toBe(same));
});
