import { describe, expect, it } from "vitest";
import { loadConfig, registryLoopbackHostFrom } from "./config.js";

describe("REGISTRY_LOOPBACK_HOST", () => {
  it.each([
    [{}, undefined],
    [{ BACKEND_SOCKET: "" }, undefined],
    [{ BACKEND_SOCKET: "/run/guest-services/backend.sock" }, "host.docker.internal"],
    [{ BACKEND_SOCKET: "/run/guest-services/backend.sock", REGISTRY_LOOPBACK_HOST: "" }, undefined],
    [{ BACKEND_SOCKET: "/run/guest-services/backend.sock", REGISTRY_LOOPBACK_HOST: "gateway.lan" }, "gateway.lan"],
    [{ REGISTRY_LOOPBACK_HOST: "192.168.65.254" }, "192.168.65.254"],
    [{ REGISTRY_LOOPBACK_HOST: "[fd00::1]" }, "[fd00::1]"],
  ])("%j → %s", (env, loopbackHost) => {
    expect(registryLoopbackHostFrom(env)).toBe(loopbackHost);
    expect(loadConfig(env).registryLoopbackHost).toBe(loopbackHost);
  });

  it.each(["host.docker.internal:5000", "http://host.docker.internal", "a/b", "user@host", "::1", "two words"])(
    "refuses %j",
    (value) => {
      expect(() => registryLoopbackHostFrom({ REGISTRY_LOOPBACK_HOST: value })).toThrow(/REGISTRY_LOOPBACK_HOST/);
    },
  );
});
