import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PublishRequest } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";
import { processAlive, startRegistry, type RunningRegistry } from "../harness/registry.js";
import {
  createStandinBuilder,
  publishRig,
  requireSkopeo,
  skopeoRawDigest,
  waitForJob,
  type PublishRig,
} from "../harness/buildx-publish.js";

const token = "hf_StandinSecretToken0123456789";
let hub: HubServer;
let registry: RunningRegistry;
const rigs: PublishRig[] = [];

beforeAll(async () => {
  requireSkopeo();
  hub = await startHubServer({
    models: [
      tinyModel({ weights: 256 * KiB, original: 4 * KiB }),
      {
        id: "acme/gated",
        gated: "manual",
        grantedTokens: [token],
        files: [{ path: "model.gguf", size: 8192 }],
      },
    ],
  });
  registry = await startRegistry();
});
afterAll(async () => {
  await hub?.stop();
  await registry?.stop();
});
afterEach(async () => {
  await Promise.all(rigs.splice(0).map((rig) => rig.close()));
});

function rig(options: Omit<Parameters<typeof publishRig>[0], "hubUrl"> = {}): PublishRig {
  const created = publishRig({ hubUrl: hub.url, ...options });
  rigs.push(created);
  return created;
}

function request(repo: string, extra: Record<string, unknown> = {}): PublishRequest {
  return PublishRequest.parse({ source: `huggingface://acme/tiny`, reference: `${registry.host}/${repo}`, ...extra });
}

function tempDirsLeft(stateDir: string): string[] {
  const tmp = join(stateDir, "tmp");
  return existsSync(tmp) ? readdirSync(tmp) : [];
}

describe("publishing through buildx with the docker stand-in", () => {
  it("export mode: the backend pushes the exported layout; the digest is the registry's (acceptance 2)", async () => {
    const { store, queue, stateDir } = rig();
    const job = queue.submit(request("acme/tiny:export", { exclude: ["original/*"] }), "export");
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    const inRegistry = skopeoRawDigest(`${registry.host}/acme/tiny:export`);
    expect(done.result?.digest).toBe(inRegistry.digest);
    expect(done.result).toMatchObject({
      reference: `${registry.host}/acme/tiny:export`,
      artifactType: "application/vnd.cncf.model.manifest.v1+json",
    });
    const paths = (inRegistry.manifest.layers as Array<{ annotations: Record<string, string> }>).map(
      (layer) => layer.annotations["org.cncf.model.filepath"],
    );
    expect(paths.sort()).toEqual(["README.md", "config.json", "model.safetensors"]);
    expect(done.result?.manifest).toMatchObject({ digest: inRegistry.digest, manifest: inRegistry.manifest });
    expect(done.result?.manifest?.layers.map((layer) => layer.path).sort()).toEqual(paths.sort());
    // One size for one artifact: the layers' bytes, in the job's result and in the report of the push alike.
    const layerBytes = (inRegistry.manifest.layers as Array<{ size: number }>).reduce((sum, l) => sum + l.size, 0);
    expect(done.result?.totalSize).toBe(layerBytes);
    expect(done.result?.manifest?.totalSize).toBe(layerBytes);
    expect(done.result?.command).toContain(
      "type=local,dest=" + done.result?.command?.at(-1)?.replace(/context$/, "out"),
    );
    const events = store.events(job.id, 0, 10_000);
    expect(events.some((e) => e.type === "step" && e.status === "completed")).toBe(true);
    expect(events.some((e) => e.type === "bytes")).toBe(true);
    expect(done.progress).toMatchObject({ phase: "done" });
    expect(tempDirsLeft(stateDir)).toEqual([]);
  });

  it("direct mode: the passthrough builder pushes; the digest equals buildx's metadata and the registry's (acceptance 2)", async () => {
    const { store, queue, stateDir } = rig({ builder: "mp-passthrough" });
    createStandinBuilder(stateDir, "mp-passthrough");
    const job = queue.submit(request("acme/tiny:direct", { target: "generic" }), "direct");
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.error).toBeUndefined();
    const inRegistry = skopeoRawDigest(`${registry.host}/acme/tiny:direct`);
    expect(done.result?.digest).toBe(inRegistry.digest);
    expect(done.result?.artifactType).toBe("application/vnd.unknown.artifact.v1");
    expect(done.result?.command).toContain(
      `type=image,name=${registry.host}/acme/tiny:direct,push=true,registry.insecure=true`,
    );
    expect(tempDirsLeft(stateDir)).toEqual([]);
  });

  it("a builder that pushes a plain image fails the direct job with builder_not_passthrough (acceptance 5)", async () => {
    const { store, queue } = rig({ behaviour: "plain-image" });
    const job = queue.submit(request("acme/tiny:plain"), "direct");
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.state).toBe("failed");
    expect(done.error?.code).toBe("builder_not_passthrough");
    expect(done.error?.message).toMatch(/export mode/);
  });

  it.each([
    {
      mode: "export" as const,
      behaviour: "",
      steps: [
        { id: "phase:configuring", name: "Write the ModelPack config", status: "started" },
        { id: "phase:configuring", name: "Write the ModelPack config", status: "completed" },
        { id: "phase:pushing", name: "Push the layout", status: "started" },
        { id: "phase:pushing", name: "Push the layout", status: "completed" },
      ],
    },
    {
      mode: "direct" as const,
      behaviour: "",
      steps: [
        { id: "phase:verifying", name: "Check what the registry holds", status: "started" },
        { id: "phase:verifying", name: "Check what the registry holds", status: "completed" },
      ],
    },
    {
      mode: "direct" as const,
      behaviour: "plain-image",
      steps: [
        { id: "phase:verifying", name: "Check what the registry holds", status: "started" },
        { id: "phase:verifying", name: "Check what the registry holds", status: "errored", error: "plain image" },
      ],
    },
  ])("$mode mode ($behaviour): the backend's own phases show as these steps", async ({ mode, behaviour, steps }) => {
    const { store, queue, stateDir } = rig({ behaviour, builder: "mp-passthrough" });
    createStandinBuilder(stateDir, "mp-passthrough");
    const job = queue.submit(request(`acme/tiny:steps-${mode}${behaviour ? "-" + behaviour : ""}`), mode);
    await waitForJob(store, job.id, ["succeeded", "failed"]);
    const phaseSteps = store
      .events(job.id, 0, 10_000)
      .filter((e) => e.type === "step" && e.id.startsWith("phase:"))
      .map((e) =>
        e.type === "step" ? { id: e.id, name: e.name, status: e.status, ...(e.error ? { error: e.error } : {}) } : e,
      );
    expect(phaseSteps).toEqual(steps);
  });

  it("a build failing mid-way ends failed with the builder's last error line (acceptance 3)", async () => {
    const { store, queue, stateDir } = rig({ behaviour: "fail" });
    const job = queue.submit(request("acme/tiny:fail"), "export");
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.state).toBe("failed");
    expect(done.error).toEqual({
      code: "build_failed",
      message:
        'ERROR: failed to solve: process "/bin/sh -c aikit-fetch huggingface://acme/tiny" did not complete successfully: exit code: 22',
    });
    const logs = store.events(job.id, 0, 1000).filter((e) => e.type === "log");
    expect(logs.some((e) => e.type === "log" && e.line.includes("curl: (22)"))).toBe(true);
    expect(tempDirsLeft(stateDir)).toEqual([]);
  });

  it.each(["hang", "hang-ignore-int"])(
    "cancel of a hanging build (%s): canceled within 5 s, no process left (acceptance 3)",
    async (behaviour) => {
      const { store, queue, standinPids, stateDir } = rig({ behaviour });
      const job = queue.submit(request("acme/tiny:hang"), "export");
      await waitForJob(store, job.id, ["running"]);
      const deadline = Date.now() + 20_000;
      while (
        (!existsSync(standinPids) || readFileSync(standinPids, "utf8").trim().split("\n").length < 2) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const pids = readFileSync(standinPids, "utf8").trim().split("\n").map(Number);
      expect(pids.every(processAlive)).toBe(true);
      const started = Date.now();
      expect(queue.cancel(job.id).ok).toBe(true);
      const done = await waitForJob(store, job.id, ["canceled", "failed", "succeeded"], 5_000);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(done.state).toBe("canceled");
      expect(pids.filter(processAlive)).toEqual([]);
      expect(tempDirsLeft(stateDir)).toEqual([]);
    },
  );

  it("stops a build that goes silent and fails the job with timeout, leaving no process", async () => {
    const { store, queue, standinPids, stateDir } = rig({ behaviour: "hang", idleTimeoutMs: 1_500 });
    const job = queue.submit(request("acme/tiny:silent"), "export");
    const done = await waitForJob(store, job.id, ["canceled", "failed", "succeeded"], 20_000);
    expect(done.state).toBe("failed");
    expect(done.error?.code).toBe("timeout");
    expect(done.error?.message).toMatch(/printed nothing/);
    const pids = readFileSync(standinPids, "utf8").trim().split("\n").map(Number);
    expect(pids.length).toBeGreaterThan(0);
    expect(pids.filter(processAlive)).toEqual([]);
    expect(tempDirsLeft(stateDir)).toEqual([]);
  });

  it("ingests a 10 000-line build log", async () => {
    const { store, queue } = rig({ behaviour: "biglog" });
    const job = queue.submit(request("acme/tiny:biglog"), "export");
    const done = await waitForJob(store, job.id, ["succeeded", "failed"], 60_000);
    expect(done.state).toBe("succeeded");
    const lines = store
      .events(job.id, 0, 100_000)
      .filter((e) => e.type === "log" && /^log line \d+ of the build$/.test(e.line));
    expect(lines).toHaveLength(10_000);
  });

  it("the Hub token reaches buildx only through its environment (acceptance 6)", async () => {
    const { store, queue, standinLog, stateDir } = rig({ token });
    const job = queue.submit(
      PublishRequest.parse({ source: "huggingface://acme/gated", reference: `${registry.host}/acme/gated:1` }),
      "export",
    );
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.error).toBeUndefined();
    expect(done.state).toBe("succeeded");
    const calls = readFileSync(standinLog, "utf8")
      .trim()
      .split("\n")
      .map(
        (line) =>
          JSON.parse(line) as { argv: string[]; tokenInEnv: boolean; tokenInArgv: boolean; secretFlag?: string },
      );
    const build = calls.find((call) => call.argv[1] === "build");
    expect(build).toMatchObject({ tokenInEnv: true, tokenInArgv: false, secretFlag: "id=hf-token,env=HF_TOKEN" });
    expect(build?.argv.join(" ")).not.toContain(token);
    expect(JSON.stringify(store.get(job.id))).not.toContain(token);
    expect(JSON.stringify(store.events(job.id, 0, 100_000))).not.toContain(token);
    store.close();
    for (const file of readdirSync(stateDir).filter((name) => name.startsWith("jobs.sqlite"))) {
      expect(readFileSync(join(stateDir, file)).includes(Buffer.from(token)), file).toBe(false);
    }
  });

  it("without a token, no secret flag and no HF_TOKEN reach buildx; a gated model then fails", async () => {
    const { store, queue, standinLog } = rig();
    const job = queue.submit(
      PublishRequest.parse({ source: "huggingface://acme/gated", reference: `${registry.host}/acme/gated:2` }),
      "export",
    );
    const done = await waitForJob(store, job.id, ["succeeded", "failed"]);
    expect(done.state).toBe("failed");
    expect(done.error?.message).toMatch(/^ERROR: failed to solve: failed to fetch/);
    const build = readFileSync(standinLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { argv: string[]; tokenInEnv: boolean; secretFlag: string | null })
      .find((call) => call.argv[1] === "build");
    expect(build).toMatchObject({ tokenInEnv: false, secretFlag: null });
  });
});
