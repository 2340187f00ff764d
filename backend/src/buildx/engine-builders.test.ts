import { describe, expect, it } from "vitest";
import type { Builder } from "@model-publisher/contract";
import type { DockerRunResult } from "./docker-cli.js";
import { attachEngineBuilder } from "./attach-engine-builder.js";
import {
  attachEngineBuilderArgs,
  engineBuilderEndpoint,
  engineBuilderName,
  engineBuildersPsArgs,
  mergeBuilders,
  parseEngineBuilders,
} from "./engine-builders.js";

const passthrough = "sozercan/buildkit:oci-layout-passthrough";

/** A `docker ps --format '{{json .}}'` line as docker 27 prints it. */
function psLine(fields: { Names: string; Image: string; State: string }): string {
  return JSON.stringify({
    Command: '"buildkitd"',
    CreatedAt: "2026-01-10 10:00:00 +0000 UTC",
    ID: "4df4626b479e",
    Labels: "",
    LocalVolumes: "1",
    Mounts: "buildx_buildkit…",
    Networks: "bridge",
    Ports: "",
    RunningFor: "2 hours ago",
    Size: "0B",
    Status: fields.State === "running" ? "Up 2 hours" : "Exited (0) 5 minutes ago",
    ...fields,
  });
}

describe("engineBuilderName", () => {
  it.each([
    ["buildx_buildkit_mybuilder0", "mybuilder"],
    ["/buildx_buildkit_mybuilder0", "mybuilder"],
    ["buildx_buildkit_my-builder.v2_0", "my-builder.v2_"],
    ["buildx_buildkit_builder10", "builder1"],
    ["buildx_buildkit_mybuilder1", undefined],
    ["buildx_buildkit_0", undefined],
    ["my_buildx_buildkit_x0", undefined],
    ["registry", undefined],
  ])("%s → %s", (container, want) => {
    expect(engineBuilderName(container)).toBe(want);
  });
});

describe("parseEngineBuilders", () => {
  it("lists builder containers with origin, status, image and passthrough, and nothing else", () => {
    const stdout = [
      psLine({ Names: "buildx_buildkit_stock0", Image: "moby/buildkit:buildx-stable-1", State: "exited" }),
      psLine({ Names: "buildx_buildkit_pt0", Image: passthrough, State: "running" }),
      psLine({ Names: "buildx_buildkit_pt1", Image: passthrough, State: "running" }),
      psLine({ Names: "not_buildx_buildkit_x0_copy", Image: "registry:2", State: "running" }),
      psLine({ Names: "buildx_buildkit_paused0", Image: "moby/buildkit:v0.18.2", State: "paused" }),
      psLine({ Names: "buildx_buildkit_new0", Image: "moby/buildkit:v0.18.2", State: "created" }),
      "WARNING: Ignoring custom format, because both --format and --quiet are set.",
      JSON.stringify({ ID: "abc" }),
      "",
    ].join("\n");
    const engine = (name: string, status: string, image: string, isPassthrough = false): Builder => ({
      name,
      driver: "docker-container",
      origin: "engine",
      status,
      image,
      current: false,
      passthrough: isPassthrough,
    });
    expect(parseEngineBuilders(stdout, passthrough)).toEqual([
      engine("new", "stopped", "moby/buildkit:v0.18.2"),
      engine("paused", "running", "moby/buildkit:v0.18.2"),
      engine("pt", "running", passthrough, true),
      engine("stock", "stopped", "moby/buildkit:buildx-stable-1"),
    ]);
  });

  it("counts the image PASSTHROUGH_BUILDKIT_IMAGE names as passthrough", () => {
    const stdout = psLine({ Names: "buildx_buildkit_own0", Image: "registry.local:5000/bk:pt", State: "running" });
    expect(parseEngineBuilders(stdout, "registry.local:5000/bk:pt")[0]?.passthrough).toBe(true);
    expect(parseEngineBuilders(stdout, passthrough)[0]?.passthrough).toBe(false);
  });

  it("is empty for no containers", () => {
    expect(parseEngineBuilders("", passthrough)).toEqual([]);
  });
});

describe("the docker command lines", () => {
  it("lists with docker ps and attaches with the remote driver, as API.md says", () => {
    expect(engineBuildersPsArgs).toEqual([
      "ps",
      "--all",
      "--filter",
      "name=buildx_buildkit_",
      "--format",
      "{{json .}}",
    ]);
    expect(attachEngineBuilderArgs("mybuilder")).toEqual([
      "buildx",
      "create",
      "--name",
      "mybuilder",
      "--driver",
      "remote",
      "docker-container://buildx_buildkit_mybuilder0",
    ]);
  });
});

describe("mergeBuilders", () => {
  const own = (name: string, driver: string, endpoint: string): Builder => ({
    name,
    driver,
    endpoint,
    status: "running",
    current: name === "default",
  });
  const engine = (name: string): Builder => ({
    name,
    driver: "docker-container",
    origin: "engine",
    status: "running",
    image: passthrough,
    current: false,
    passthrough: true,
  });

  it("lists each builder once: an attached engine builder as engine, the backend's own container as the backend's", () => {
    const merged = mergeBuilders(
      [
        own("default", "docker", "default"),
        own("attached", "remote", engineBuilderEndpoint("attached")),
        own("mine", "docker-container", "unix:///var/run/docker.sock"),
        own("elsewhere", "remote", "tcp://10.0.0.1:1234"),
        own("gone", "remote", engineBuilderEndpoint("gone")),
      ],
      [engine("attached"), engine("mine"), engine("host")],
    );
    expect(merged.map((b) => [b.name, b.origin, b.driver])).toEqual([
      ["default", "backend", "docker"],
      ["mine", "backend", "docker-container"],
      ["elsewhere", "backend", "remote"],
      ["gone", "backend", "remote"],
      ["attached", "engine", "docker-container"],
      ["host", "engine", "docker-container"],
    ]);
  });
});

describe("attachEngineBuilder", () => {
  const result = (code: number, stderr = ""): DockerRunResult => ({ code, stdout: "", stderr, timedOut: false });

  it("creates the remote builder when buildx does not know the name", async () => {
    const calls: string[][] = [];
    const outcome = await attachEngineBuilder(async (args) => {
      calls.push(args);
      return result(args[1] === "inspect" ? 1 : 0);
    }, "host");
    expect(outcome).toEqual({ ok: true, created: true });
    expect(calls).toEqual([["buildx", "inspect", "host"], attachEngineBuilderArgs("host")]);
  });

  it("leaves a builder attached by an earlier run alone", async () => {
    const calls: string[][] = [];
    const outcome = await attachEngineBuilder(async (args) => {
      calls.push(args);
      return result(0);
    }, "host");
    expect(outcome).toEqual({ ok: true, created: false });
    expect(calls).toHaveLength(1);
  });

  it("answers buildx's error when the create fails", async () => {
    const outcome = await attachEngineBuilder(
      async (args) => result(1, args[1] === "create" ? "ERROR: unrecognized url scheme x\n" : ""),
      "host",
    );
    expect(outcome).toEqual({ ok: false, stderr: "ERROR: unrecognized url scheme x\n" });
  });
});
