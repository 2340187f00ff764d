// Wires the job store, the publish queue and the buildx runner to the docker stand-in, a Hub test server and a real
// registry, in-process, for the publish tests.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Job } from "@model-publisher/contract";
import { registryAccess } from "../../backend/src/buildx/registry-access.js";
import { BuildxRunner } from "../../backend/src/buildx/run-build.js";
import { PublishQueue } from "../../backend/src/jobs/publish-queue.js";
import { RegistryClient } from "../../backend/src/registry/registry-client.js";
import { JobStore } from "../../backend/src/store/job-store.js";

/** The docker CLI stand-in (test/fixtures/docker-standin). */
export const standinDocker = fileURLToPath(new URL("../fixtures/docker-standin/docker", import.meta.url));

/** Fails with the Debian package to install when skopeo is missing. */
export function requireSkopeo(): void {
  const probe = spawnSync("skopeo", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) throw new Error("skopeo is missing: install the Debian package skopeo");
}

/** The passthrough BuildKit image (SPEC.md › direct push). */
export const passthroughBuildkitImage = "sozercan/buildkit:oci-layout-passthrough";

/** Creates a docker-container builder in the stand-in's store under `stateDir`, as a user's `buildx create` does. */
export function createStandinBuilder(stateDir: string, name: string, image = passthroughBuildkitImage): void {
  const args = ["buildx", "create", "--name", name, "--driver", "docker-container", "--driver-opt", `image=${image}`];
  const created = spawnSync(standinDocker, [...args, "--bootstrap"], {
    encoding: "utf8",
    env: { ...process.env, STANDIN_STATE_DIR: stateDir },
  });
  if (created.status !== 0) throw new Error(`buildx create failed: ${created.stderr}`);
}

export interface PublishRig {
  stateDir: string;
  store: JobStore;
  queue: PublishQueue;
  /** One JSON line per stand-in invocation. */
  standinLog: string;
  /** Pids the hanging stand-in wrote (itself and its child). */
  standinPids: string;
  close(): Promise<void>;
}

export function publishRig(options: {
  hubUrl: string;
  behaviour?: string;
  token?: string;
  builder?: string;
  /** Stop a build that prints nothing for this long. */
  idleTimeoutMs?: number;
}): PublishRig {
  const stateDir = mkdtempSync(join(tmpdir(), "mp-publish-"));
  const store = JobStore.open(stateDir);
  const standinLog = join(stateDir, "standin.log");
  const standinPids = join(stateDir, "standin.pids");
  const runner = new BuildxRunner({
    dockerBin: standinDocker,
    stateDir,
    frontendImage: "ghcr.io/kaito-project/aikit/aikit:v0.21.0",
    hfToken: async () => options.token,
    defaultBuilder: async () => options.builder ?? "default",
    registry: registryAccess(new RegistryClient({ stateDir, env: {} })),
    env: {
      HF_ENDPOINT: options.hubUrl,
      STANDIN_STATE_DIR: stateDir,
      STANDIN_LOG: standinLog,
      STANDIN_PIDS: standinPids,
      STANDIN_BEHAVIOUR: options.behaviour ?? "",
    },
    graceMs: 1_000,
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
  const queue = new PublishQueue({ store, runners: { direct: runner, export: runner }, concurrency: 1 });
  return {
    stateDir,
    store,
    queue,
    standinLog,
    standinPids,
    close: async () => {
      await queue.close();
      store.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the job is in one of the states. */
export async function waitForJob(store: JobStore, id: string, states: Job["state"][], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = store.get(id);
    if (job && states.includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is ${job?.state}, not ${states.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The digest of the manifest under a reference, from skopeo's raw bytes. */
export function skopeoRawDigest(reference: string): { digest: string; manifest: Record<string, unknown> } {
  const result = spawnSync("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${reference}`]);
  if (result.status !== 0) throw new Error(`skopeo inspect failed: ${result.stderr.toString()}`);
  return {
    digest: `sha256:${createHash("sha256").update(result.stdout).digest("hex")}`,
    manifest: JSON.parse(result.stdout.toString("utf8")) as Record<string, unknown>,
  };
}
