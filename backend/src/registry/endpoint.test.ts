import { describe, expect, it } from "vitest";
import { isLoopbackHost } from "@model-publisher/contract";
import { reachableUrl, registryBaseUrl } from "./endpoint.js";

const alias = "host.docker.internal";

describe("registryBaseUrl", () => {
  it.each([
    // host, insecure, loopback host → base URL
    ["ghcr.io", false, undefined, "https://ghcr.io"],
    ["docker.io", false, alias, "https://registry-1.docker.io"],
    ["registry.lan:5000", true, undefined, "http://registry.lan:5000"],
    ["localhost:5000", false, undefined, "http://localhost:5000"],
    ["127.0.0.1:5000", false, undefined, "http://127.0.0.1:5000"],
    ["[::1]:5000", false, undefined, "http://[::1]:5000"],
    ["localhost:5000", false, alias, "http://host.docker.internal:5000"],
    ["localhost", false, alias, "http://host.docker.internal"],
    ["127.0.0.1:5000", false, alias, "http://host.docker.internal:5000"],
    ["127.12.0.254:443", false, alias, "http://host.docker.internal:443"],
    ["[::1]:5000", false, alias, "http://host.docker.internal:5000"],
    ["localhost:5000", true, "192.168.65.254", "http://192.168.65.254:5000"],
    ["ghcr.io", false, alias, "https://ghcr.io"],
    ["registry.lan:5000", true, alias, "http://registry.lan:5000"],
    ["registry.localhost:5000", false, alias, "http://host.docker.internal:5000"],
    ["localhost.example.com", false, alias, "https://localhost.example.com"],
    ["128.0.0.1:5000", false, alias, "https://128.0.0.1:5000"],
  ])("%s (insecure %s, loopback host %s) → %s", (host, insecure, loopbackHost, base) => {
    expect(registryBaseUrl(host, insecure, loopbackHost)).toBe(base);
  });
});

describe("reachableUrl", () => {
  it.each([
    ["http://localhost:5001/token?service=x", alias, "http://host.docker.internal:5001/token?service=x"],
    ["https://127.0.0.1:5001/token", alias, "https://host.docker.internal:5001/token"],
    ["http://[::1]:5001/token", alias, "http://host.docker.internal:5001/token"],
    ["https://auth.docker.io/token", alias, "https://auth.docker.io/token"],
    ["http://localhost:5001/token", undefined, "http://localhost:5001/token"],
  ])("%s with %s → %s", (url, loopbackHost, reached) => {
    expect(reachableUrl(url, loopbackHost).href).toBe(reached);
  });
});

describe("isLoopbackHost", () => {
  it.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["127.255.3.9", true],
    ["[::1]", true],
    ["registry.localhost", true],
    ["LOCALHOST", true],
    ["::1", true],
    ["127.0.0.1.nip.io", false],
    ["10.0.0.1", false],
    ["host.docker.internal", false],
  ])("%s → %s", (hostname, loopback) => {
    expect(isLoopbackHost(hostname)).toBe(loopback);
  });
});
