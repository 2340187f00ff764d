import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventsResponse, JobResponse, PublishResponse, type Job } from "@model-publisher/contract";
import type { HubServer } from "../fixtures/hub-server.js";
import { startTinyHub } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { processAlive, startRegistry, type RunningRegistry } from "../harness/registry.js";
import { requireSkopeo, standinDocker } from "../harness/buildx-publish.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

interface Backend {
  child: ChildProcess;
  url: string;
}

/** Runs the backend from source (tsx) as its own process, the way it runs in the extension. */
async function startBackend(env: Record<string, string>): Promise<Backend> {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "backend/src/main.ts")], {
    cwd: root,
    env: { ...process.env, PORT: "0", HF_TOKEN: "", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start:\n${output}`)), 30_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.on("exit", (code) => reject(new Error(`backend exited ${code}:\n${output}`)));
  });
  return { child, url };
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

async function api<T>(backend: Backend, method: string, path: string, parse: (body: unknown) => T, body?: unknown) {
  return parse((await callApi(backend.url, method, path, body)).body);
}

async function waitForState(backend: Backend, id: string, states: Job["state"][]): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const { job } = await api(backend, "GET", `/jobs/${id}`, (b) => JobResponse.parse(b));
    if (states.includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} never reached ${states.join("/")}`);
}

let hub: HubServer;
let registry: RunningRegistry;
const stateDir = mkdtempSync(join(tmpdir(), "mp-restart-"));
const pidsFile = join(stateDir, "standin.pids");
const backends: Backend[] = [];

beforeAll(async () => {
  requireSkopeo();
  hub = await startTinyHub();
  registry = await startRegistry();
});
afterAll(async () => {
  for (const backend of backends) {
    backend.child.kill("SIGKILL");
    await exited(backend.child);
  }
  // The build a killed backend left behind (in the extension its container goes with it).
  if (existsSync(pidsFile)) {
    for (const pid of readFileSync(pidsFile, "utf8").trim().split("\n").map(Number)) {
      if (processAlive(pid)) process.kill(pid, "SIGKILL");
    }
  }
  await hub?.stop();
  await registry?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("restart", () => {
  it("a job running when the backend is killed is interrupted after the next start; finished jobs keep their events (acceptance 4)", async () => {
    const env = {
      STATE_DIR: stateDir,
      DOCKER_BIN: standinDocker,
      HF_ENDPOINT: hub.url,
      STANDIN_STATE_DIR: stateDir,
      STANDIN_PIDS: pidsFile,
    };
    const publish = (tag: string) => ({
      source: "huggingface://acme/tiny",
      reference: `${registry.host}/acme/tiny:${tag}`,
      mode: "export",
    });

    const first = await startBackend(env);
    backends.push(first);
    const finished = await api(first, "POST", "/publish", (b) => PublishResponse.parse(b), publish("one"));
    const done = await waitForState(first, finished.job.id, ["succeeded", "failed"]);
    expect(done.error).toBeUndefined();
    const eventsBefore = await api(first, "GET", `/jobs/${done.id}/events`, (b) => JobEventsResponse.parse(b));
    first.child.kill("SIGTERM");
    await exited(first.child);

    const second = await startBackend({ ...env, STANDIN_BEHAVIOUR: "hang" });
    backends.push(second);
    const hanging = await api(second, "POST", "/publish", (b) => PublishResponse.parse(b), publish("two"));
    await waitForState(second, hanging.job.id, ["running"]);
    for (let i = 0; i < 200 && !existsSync(pidsFile); i++) await new Promise((resolve) => setTimeout(resolve, 50));
    second.child.kill("SIGKILL");
    await exited(second.child);

    const third = await startBackend(env);
    backends.push(third);
    const { job: interrupted } = await api(third, "GET", `/jobs/${hanging.job.id}`, (b) => JobResponse.parse(b));
    expect(interrupted.state).toBe("interrupted");
    expect(interrupted.error?.code).toBe("interrupted");
    const interruptedEvents = await api(third, "GET", `/jobs/${hanging.job.id}/events`, (b) =>
      JobEventsResponse.parse(b),
    );
    expect(interruptedEvents.events.at(-1)).toMatchObject({ type: "state", state: "interrupted" });
    expect(interruptedEvents.done).toBe(true);

    const { job: kept } = await api(third, "GET", `/jobs/${done.id}`, (b) => JobResponse.parse(b));
    expect(kept).toEqual(done);
    const eventsAfter = await api(third, "GET", `/jobs/${done.id}/events`, (b) => JobEventsResponse.parse(b));
    expect(eventsAfter).toEqual(eventsBefore);
    const list = await api(third, "GET", "/jobs", (b) => b as { jobs: Job[] });
    expect(list.jobs.map((job) => job.id)).toEqual([hanging.job.id, done.id]);
  });
});
