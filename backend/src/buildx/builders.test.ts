import { describe, expect, it } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BuilderService,
  isPassthroughImage,
  parseBuildxInspect,
  parseBuildxLsJson,
  parseBuildxLsText,
} from "./builders.js";

const passthrough = "sozercan/buildkit:oci-layout-passthrough";

describe("parseBuildxLsJson", () => {
  it("reads builders, their first node, status, image and the passthrough flag", () => {
    const stdout = [
      JSON.stringify({
        Name: "mp-passthrough",
        Driver: "docker-container",
        LastActivity: "2026-01-10T10:00:00Z",
        Dynamic: false,
        Nodes: [
          {
            Name: "mp-passthrough0",
            Endpoint: "unix:///var/run/docker.sock",
            DriverOpts: { image: passthrough },
            Status: "running",
            Version: "v0.20.0",
            Platforms: ["linux/amd64"],
          },
        ],
      }),
      JSON.stringify({
        Name: "default",
        Driver: "docker",
        Current: true,
        Nodes: [{ Name: "default", Endpoint: "default", Status: "running" }],
      }),
      JSON.stringify({
        Name: "broken",
        Driver: "docker-container",
        Err: "Cannot connect to the Docker daemon",
        Nodes: [{ Name: "broken0", DriverOpts: { image: "moby/buildkit:buildx-stable-1" }, Status: "inactive" }],
      }),
      "not json",
    ].join("\n");
    expect(parseBuildxLsJson(stdout, passthrough)).toEqual([
      {
        name: "mp-passthrough",
        driver: "docker-container",
        status: "running",
        endpoint: "unix:///var/run/docker.sock",
        image: passthrough,
        current: false,
        passthrough: true,
      },
      { name: "default", driver: "docker", status: "running", endpoint: "default", current: true, passthrough: false },
      {
        name: "broken",
        driver: "docker-container",
        status: "error",
        image: "moby/buildkit:buildx-stable-1",
        current: false,
        passthrough: false,
        error: "Cannot connect to the Docker daemon",
      },
    ]);
  });
});

describe("parseBuildxLsText and parseBuildxInspect (older buildx without --format)", () => {
  it("reads builder names and the current marker from the table", () => {
    const stdout = [
      "NAME/NODE          DRIVER/ENDPOINT             STATUS   BUILDKIT PLATFORMS",
      "mp-passthrough     docker-container",
      "  mp-passthrough0  unix:///var/run/docker.sock running  v0.12.5  linux/amd64",
      "default *          docker",
      "  default          default                     running  v0.11.7  linux/amd64",
    ].join("\n");
    expect(parseBuildxLsText(stdout)).toEqual([
      { name: "mp-passthrough", current: false },
      { name: "default", current: true },
    ]);
  });

  it("reads the inspect text", () => {
    const stdout = [
      "Name:          mp-passthrough",
      "Driver:        docker-container",
      "Last Activity: 2026-01-10 10:00:00 +0000 UTC",
      "",
      "Nodes:",
      "Name:                  mp-passthrough0",
      "Endpoint:              unix:///var/run/docker.sock",
      `Driver Options:        image="${passthrough}"`,
      "Status:                running",
      "BuildKit version:      v0.12.5",
      "Platforms:             linux/amd64",
    ].join("\n");
    expect(parseBuildxInspect(stdout, passthrough, true)).toEqual({
      name: "mp-passthrough",
      driver: "docker-container",
      status: "running",
      endpoint: "unix:///var/run/docker.sock",
      image: passthrough,
      current: true,
      passthrough: true,
    });
    expect(parseBuildxInspect("garbage", passthrough)).toBeUndefined();
  });
});

describe("isPassthroughImage", () => {
  it.each([
    [passthrough, true],
    ["docker.io/sozercan/buildkit:oci-layout-passthrough", true],
    ["ghcr.io/someone/buildkit:oci-layout-passthrough-v2", true],
    ["moby/buildkit:buildx-stable-1", false],
    ["moby/buildkit:latest", false],
    [undefined, false],
  ])("%s → %s", (image, want) => {
    expect(isPassthroughImage(image, passthrough)).toBe(want);
  });
  it("knows the image PASSTHROUGH_BUILDKIT_IMAGE names, however it is spelled", () => {
    expect(isPassthroughImage("registry.local:5000/bk:pt", "registry.local:5000/bk:pt")).toBe(true);
    expect(isPassthroughImage("docker.io/acme/bk:pt", "acme/bk:pt")).toBe(true);
    expect(isPassthroughImage("acme/bk:other", "acme/bk:pt")).toBe(false);
  });
});

describe("BuilderService listing", () => {
  it("answers the calls of one publish with one buildx ls, and lists afresh after the window", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mp-fake-docker-"));
    const calls = join(dir, "calls");
    // As buildx prints them: no field marks the current builder; `buildx inspect` without a name describes it.
    const lines = [
      { Name: "default", Driver: "docker", Nodes: [{ Name: "default", Status: "running" }] },
      {
        Name: "pt",
        Driver: "docker-container",
        Nodes: [{ Name: "pt0", Status: "running", DriverOpts: { image: passthrough } }],
      },
    ]
      .map((entry) => JSON.stringify(entry))
      .join("\n");
    const script = join(dir, "docker");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        `echo "$*" >> ${JSON.stringify(calls)}`,
        'case "$2" in',
        `  ls) printf '%s\\n' '${lines.replaceAll("\n", "' '")}' ;;`,
        "  inspect) printf 'Name:          pt\\nDriver:        docker-container\\n' ;;",
        '  version) echo "github.com/docker/buildx v0.19.3 x" ;;',
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(script, 0o755);
    const service = new BuilderService({ dockerBin: script, passthroughImage: passthrough });
    expect(await service.passthrough(undefined)).toBe(true);
    expect((await service.current())?.name).toBe("pt");
    expect((await service.get("default")).current).toBe(false);
    expect((await service.get("pt")).status).toBe("running");
    const lsCalls = () =>
      readFileSync(calls, "utf8")
        .split("\n")
        .filter((l) => l.startsWith("buildx ls")).length;
    expect(lsCalls()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await service.list();
    expect(lsCalls()).toBe(2);
  });
});

describe("BuilderService and engine builders", () => {
  it("lists an engine builder once as engine and attaches it once, however many builds ask at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mp-fake-docker-"));
    const calls = join(dir, "calls");
    const attached = join(dir, "attached");
    const ps = JSON.stringify({ Names: "buildx_buildkit_host0", Image: passthrough, State: "running" });
    const own = JSON.stringify({ Name: "default", Driver: "docker", Nodes: [{ Name: "default", Status: "running" }] });
    const remote = JSON.stringify({
      Name: "host",
      Driver: "remote",
      Nodes: [{ Name: "host0", Endpoint: "docker-container://buildx_buildkit_host0", Status: "running" }],
    });
    const script = join(dir, "docker");
    writeFileSync(
      script,
      [
        "#!/bin/sh",
        `echo "$*" >> ${JSON.stringify(calls)}`,
        'case "$1 $2" in',
        `  "ps --all") printf '%s\\n' '${ps}' ;;`,
        '  "buildx version") echo "github.com/docker/buildx v0.19.3 x" ;;',
        `  "buildx ls") printf '%s\\n' '${own}'; if [ -f ${JSON.stringify(attached)} ]; then printf '%s\\n' '${remote}'; fi ;;`,
        `  "buildx inspect") [ -z "$3" ] && exec printf 'Name: default\\nDriver: docker\\n'; [ -f ${JSON.stringify(attached)} ] ;;`,
        `  "buildx create") sleep 0.2; touch ${JSON.stringify(attached)} ;;`,
        "esac",
        "",
      ].join("\n"),
    );
    chmodSync(script, 0o755);
    const service = new BuilderService({ dockerBin: script, passthroughImage: passthrough });
    const listed = await service.list();
    expect(listed.map((b) => [b.name, b.origin, b.passthrough])).toEqual([
      ["default", "backend", false],
      ["host", "engine", true],
    ]);
    await Promise.all([service.use("host"), service.use("host"), service.use("default")]);
    await service.use("host");
    const creates = readFileSync(calls, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("buildx create"));
    expect(creates).toEqual(["buildx create --name host --driver remote docker-container://buildx_buildkit_host0"]);
    // Attached, it is still one builder, the engine's.
    const after = new BuilderService({ dockerBin: script, passthroughImage: passthrough });
    expect((await after.list()).map((b) => [b.name, b.origin, b.driver])).toEqual([
      ["default", "backend", "docker"],
      ["host", "engine", "docker-container"],
    ]);
    // A later run of the backend finds it attached and creates nothing.
    await after.use("host");
    expect(
      readFileSync(calls, "utf8")
        .split("\n")
        .filter((line) => line.startsWith("buildx create")),
    ).toHaveLength(1);
  });
});
