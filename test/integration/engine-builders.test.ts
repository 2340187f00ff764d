// Engine builders (API.md › Inside Docker Desktop): the backend lists the engine's `buildx_buildkit_<builder>0`
// containers beside its own builders, attaches one through buildx's remote driver the first time a publish uses it,
// and creates its own builders on the host network. The docker stand-in plays the CLI and the engine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BuildersResponse, JobResponse, PublishResponse, finishedStates, type Job } from "@model-publisher/contract";
import { createPublishServices } from "../../backend/src/core-services.js";
import { startServer } from "../../backend/src/server.js";
import { testContext } from "../harness/app-context.js";
import { passthroughBuildkitImage, requireSkopeo, skopeoRawDigest, standinDocker } from "../harness/buildx-publish.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import type { HubServer } from "../fixtures/hub-server.js";
import { KiB, startTinyHub } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";

const stockImage = "moby/buildkit:buildx-stable-1";
let hub: HubServer;
let registry: RunningRegistry;
let standinLog: string;
let engineFile: string;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  requireSkopeo();
  hub = await startTinyHub({ weights: 64 * KiB });
  registry = await startRegistry();
  // The builds the stand-in runs fetch the model here.
  process.env.HF_ENDPOINT = hub.url;
});
afterAll(async () => {
  await hub?.stop();
  await registry?.stop();
});
beforeEach(() => {
  // Each test has its own buildx store, engine and call log.
  const dir = mkdtempSync(join(tmpdir(), "standin-engine-"));
  process.env.STANDIN_STATE_DIR = dir;
  engineFile = join(dir, "engine.json");
  process.env.STANDIN_CONTAINERS = engineFile;
  standinLog = join(dir, "standin.log");
  process.env.STANDIN_LOG = standinLog;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The engine's containers, as a test writes them for the stand-in (format: top of standin.ts). */
function engineRuns(containers: Array<{ name: string; image: string; state: string }>): void {
  writeFileSync(engineFile, JSON.stringify(containers));
}

/** The argv of every stand-in call so far. */
function standinCalls(): string[][] {
  return readFileSync(standinLog, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { argv: string[] }).argv);
}

async function start(options: { defaultBuilder?: string } = {}) {
  const { ctx } = testContext({ DOCKER_BIN: standinDocker, HF_ENDPOINT: hub.url });
  const wiring = createPublishServices({
    config: ctx.config,
    logger: ctx.logger,
    hfToken: ctx.hfToken,
    ...(options.defaultBuilder ? { defaultBuilder: () => options.defaultBuilder } : {}),
  });
  ctx.publish = wiring.publish;
  ctx.builders = wiring.builders;
  const server = await startServer(ctx);
  cleanups.push(() => wiring.close());
  cleanups.push(() => server.close());
  const call = (method: string, path: string, body?: unknown) => callApi(server.address, method, path, body);
  const publish = async (body: Record<string, unknown>): Promise<Job> => {
    const started = await call("POST", "/publish", { source: "huggingface://acme/tiny", ...body });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const id = PublishResponse.parse(started.body).job.id;
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const { job } = JobResponse.parse((await call("GET", `/jobs/${id}`)).body);
      if (finishedStates.includes(job.state)) return job;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`job ${id} did not finish`);
  };
  return { call, publish };
}

const attachArgv = (builder: string) => [
  "buildx",
  "create",
  "--name",
  builder,
  "--driver",
  "remote",
  `docker-container://buildx_buildkit_${builder}0`,
];

describe("engine builders", () => {
  it("GET /builders lists the engine's builder containers with origin, status, image and passthrough", async () => {
    engineRuns([
      { name: "buildx_buildkit_hostpass0", image: passthroughBuildkitImage, state: "running" },
      { name: "buildx_buildkit_hoststock0", image: stockImage, state: "exited" },
      { name: "buildx_buildkit_hoststock1", image: stockImage, state: "running" },
      { name: "registry", image: "registry:2", state: "running" },
    ]);
    const { call } = await start();
    const listed = BuildersResponse.parse((await call("GET", "/builders")).body).builders;
    expect(listed).toEqual([
      {
        name: "default",
        driver: "docker",
        origin: "backend",
        status: "running",
        endpoint: "default",
        current: true,
        passthrough: false,
      },
      {
        name: "hostpass",
        driver: "docker-container",
        origin: "engine",
        status: "running",
        image: passthroughBuildkitImage,
        current: false,
        passthrough: true,
      },
      {
        name: "hoststock",
        driver: "docker-container",
        origin: "engine",
        status: "stopped",
        image: stockImage,
        current: false,
        passthrough: false,
      },
    ]);
    expect(standinCalls()).toContainEqual([
      "ps",
      "--all",
      "--filter",
      "name=buildx_buildkit_",
      "--format",
      "{{json .}}",
    ]);
  });

  it("an export publish with an engine builder attaches it through the remote driver once and pushes the artifact", async () => {
    engineRuns([{ name: "buildx_buildkit_hoststock0", image: stockImage, state: "running" }]);
    const { call, publish } = await start();
    for (const tag of ["engine-1", "engine-2"]) {
      const reference = `${registry.host}/acme/tiny:${tag}`;
      const job = await publish({ reference, builder: "hoststock", mode: "export" });
      expect(job.error).toBeUndefined();
      expect(job.state).toBe("succeeded");
      const inRegistry = skopeoRawDigest(reference);
      expect(job.result?.digest).toBe(inRegistry.digest);
      expect(inRegistry.manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    }
    const calls = standinCalls();
    const creates = calls.filter((argv) => argv[0] === "buildx" && argv[1] === "create");
    expect(creates).toEqual([attachArgv("hoststock")]);
    const builds = calls.filter((argv) => argv[1] === "build");
    expect(builds).toHaveLength(2);
    for (const argv of builds) expect(argv[argv.indexOf("--builder") + 1]).toBe("hoststock");
    expect(calls.findIndex((argv) => argv[1] === "create")).toBeLessThan(
      calls.findIndex((argv) => argv[1] === "build"),
    );
    // Attached, it is still listed once, as the engine's.
    const listed = BuildersResponse.parse((await call("GET", "/builders")).body).builders;
    expect(listed.filter((b) => b.name === "hoststock")).toEqual([
      expect.objectContaining({ origin: "engine", driver: "docker-container", status: "running" }),
    ]);
  });

  it("the settings' engine builder running the passthrough image publishes direct; a stock one pushes a plain image", async () => {
    engineRuns([
      { name: "buildx_buildkit_hostpass0", image: passthroughBuildkitImage, state: "running" },
      { name: "buildx_buildkit_hoststock0", image: stockImage, state: "running" },
    ]);
    const { publish } = await start({ defaultBuilder: "hostpass" });
    const reference = `${registry.host}/acme/tiny:engine-direct`;
    const direct = await publish({ reference });
    expect(direct.mode).toBe("direct");
    expect(direct.error).toBeUndefined();
    expect(direct.result?.digest).toBe(skopeoRawDigest(reference).digest);
    const plain = await publish({ reference: `${registry.host}/acme/tiny:engine-plain`, builder: "hoststock" });
    expect(plain.mode).toBe("export");
    const forcedDirect = await publish({
      reference: `${registry.host}/acme/tiny:engine-plain`,
      builder: "hoststock",
      mode: "direct",
    });
    expect(forcedDirect.error?.code).toBe("builder_not_passthrough");
    const creates = standinCalls().filter((argv) => argv[1] === "create");
    expect(creates).toEqual([attachArgv("hostpass"), attachArgv("hoststock")]);
  });

  it("a stopped engine builder fails the publish with the engine's error; an unknown builder is still refused at admission", async () => {
    engineRuns([{ name: "buildx_buildkit_hoststock0", image: stockImage, state: "exited" }]);
    const { call, publish } = await start();
    const job = await publish({
      reference: `${registry.host}/acme/tiny:stopped`,
      builder: "hoststock",
      mode: "export",
    });
    expect(job.state).toBe("failed");
    expect(job.error?.message).toMatch(/buildx_buildkit_hoststock0 is not running/);
    const missing = await call("POST", "/publish", {
      source: "huggingface://acme/tiny",
      reference: `${registry.host}/acme/tiny:x`,
      builder: "nowhere",
      mode: "export",
    });
    expect(missing.status).toBe(404);
  });

  it("POST /builders creates on the host network beside image=, and its container stays one builder of the backend's", async () => {
    const { call } = await start();
    const created = await call("POST", "/builders", { name: "mp-net" });
    expect(created.status).toBe(201);
    const creates = standinCalls().filter((argv) => argv[1] === "create");
    expect(creates).toEqual([
      [
        "buildx",
        "create",
        "--name",
        "mp-net",
        "--driver",
        "docker-container",
        "--driver-opt",
        `image=${passthroughBuildkitImage}`,
        "--driver-opt",
        "network=host",
        "--bootstrap",
      ],
    ]);
    // The engine now runs its container, on the host network; the listing still shows one builder, the backend's.
    const ps = spawnSync(standinDocker, ["ps", "--filter", "name=mp-net", "--format", "{{.Names}} {{.Networks}}"], {
      encoding: "utf8",
    });
    expect(ps.stdout).toBe("buildx_buildkit_mp-net0 host\n");
    const listed = BuildersResponse.parse((await call("GET", "/builders")).body).builders;
    expect(listed.filter((b) => b.name === "mp-net")).toEqual([
      expect.objectContaining({ origin: "backend", passthrough: true }),
    ]);
  });
});

describe("the docker stand-in's docker ps", () => {
  const docker = (...args: string[]) => spawnSync(standinDocker, args, { encoding: "utf8" });

  it("prints docker's fields, one JSON object a line, filtered the daemon's way", () => {
    engineRuns([
      { name: "buildx_buildkit_a0", image: passthroughBuildkitImage, state: "running" },
      { name: "buildx_buildkit_b0", image: stockImage, state: "exited" },
      { name: "web", image: "nginx", state: "running" },
    ]);
    const json = docker("ps", "--all", "--filter", "name=buildx_buildkit_", "--format", "{{json .}}");
    expect(json.status).toBe(0);
    const rows = json.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, string>);
    expect(rows.map((row) => Object.keys(row))).toEqual([
      [
        "Command",
        "CreatedAt",
        "ID",
        "Image",
        "Labels",
        "LocalVolumes",
        "Mounts",
        "Names",
        "Networks",
        "Ports",
        "RunningFor",
        "Size",
        "State",
        "Status",
      ],
      expect.any(Array),
    ]);
    expect(rows.map((row) => [row.Names, row.State, row.Image])).toEqual([
      ["buildx_buildkit_a0", "running", passthroughBuildkitImage],
      ["buildx_buildkit_b0", "exited", stockImage],
    ]);
    expect(rows[0]?.ID).toMatch(/^[0-9a-f]{12}$/);
    // Without --all only running containers; `status=` and -q as docker has them.
    expect(docker("ps", "-f", "name=buildx_buildkit_", "--format", "{{.Names}}").stdout).toBe("buildx_buildkit_a0\n");
    expect(docker("container", "ls", "-f", "status=exited", "--format", "{{.Names}}").stdout).toBe(
      "buildx_buildkit_b0\n",
    );
    expect(docker("container", "ls", "-aq", "--no-trunc").stdout.trim().split("\n")).toHaveLength(3);
  });

  it("refuses what docker refuses: an unknown flag, a filter without =, an unknown filter", () => {
    const unknown = docker("ps", "--frobnicate");
    expect(unknown.status).toBe(125);
    expect(unknown.stderr).toContain("unknown flag: --frobnicate");
    const bare = docker("ps", "-f", "buildx_buildkit_");
    expect(bare.status).toBe(125);
    expect(bare.stderr).toContain("bad format of filter (expected name=value)");
    const filter = docker("ps", "--filter", "colour=blue");
    expect(filter.status).toBe(1);
    expect(filter.stderr).toContain("invalid filter 'colour'");
  });
});
