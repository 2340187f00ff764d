// A Hub that lists hostile file paths (issue 7): the picker and every publish mode refuse the repo with
// `unsafe_file_path` before anything is built, downloaded or pushed; odd but valid names (quotes) are carried exactly.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope, JobResponse, PublishResponse, type Job, type PublishMode } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { callApi } from "../harness/api-call.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { writeFigures } from "./figures.js";

const hostilePaths = [
  "../../etc/passwd",
  "/etc/passwd",
  "..\\..\\windows\\win.ini",
  "./config.json",
  "weights/../../escape.bin",
  "a//b.txt",
  "line\nbreak.txt",
  "nul\u0000.txt",
  "ansi\u001b[31mred.txt",
];
/** Valid names a careless consumer might mangle: they must arrive byte for byte. */
const oddButValid = [`it's "quoted".txt`, "spaces and $(dollar).md", "ünïcödé.json"];
const modes: PublishMode[] = ["export", "direct", "native"];

let hub: HubServer;
let registry: RunningRegistry;
let backend: BackendProcess;
const figures = { refusedByPicker: 0, refusedPublishes: 0, triedPublishes: 0, carried: 0, escaped: 0 };

beforeAll(async () => {
  requireSkopeo();
  hub = await startHubServer({
    models: [
      ...hostilePaths.map((path, i) => ({
        id: `evil/repo${i}`,
        files: [
          { path: "config.json", content: "{}" },
          { path, content: "root:x:0:0::/root:/bin/sh\n" },
        ],
      })),
      {
        id: "acme/odd",
        files: [{ path: "config.json", content: "{}" }, ...oddButValid.map((path) => ({ path, content: path }))],
      },
    ],
  });
  registry = await startRegistry();
  backend = await startBackendProcess({ env: { HF_ENDPOINT: hub.url, MODEL_PUBLISHER_CONCURRENCY: "3" } });
});

afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
  await registry?.stop();
  writeFigures("hostile-paths", {
    title: "Hostile file paths from the Hub",
    source: "test/reliability/hostile-paths.test.ts",
    passed: figures.refusedByPicker === hostilePaths.length && figures.refusedPublishes === figures.triedPublishes,
    figures: [
      {
        label: "hostile paths served (.., absolute, backslash, ./, empty segment, newline, NUL, escape)",
        value: hostilePaths.length,
      },
      {
        label: "refused by the picker (GET /models/{ns}/{name}, 502 unsafe_file_path)",
        value: figures.refusedByPicker,
      },
      { label: `publishes tried (${modes.join(", ")})`, value: figures.triedPublishes },
      {
        label: "publishes refused with unsafe_file_path before any build, download or push",
        value: figures.refusedPublishes,
      },
      { label: "files written outside the build's temp directory", value: figures.escaped },
      { label: "odd but valid names published byte for byte (export and native)", value: figures.carried },
    ],
  });
});

const api = (method: string, path: string, body?: unknown) => callApi(backend.address, method, path, body);

async function waitForEnd(id: string): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const { job } = JobResponse.parse((await api("GET", `/jobs/${id}`)).body);
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not end`);
}

/** Every file and folder under a directory, relative. */
function walk(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(full).isDirectory() ? [rel, ...walk(full, rel)] : [rel];
  });
}

async function catalog(): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/_catalog`);
  return ((await res.json()) as { repositories: string[] }).repositories;
}

describe("hostile file paths listed by the Hub", () => {
  it.each(hostilePaths.map((path, i) => [JSON.stringify(path), i] as const))(
    "the picker refuses a repo listing %s with unsafe_file_path",
    async (_label, i) => {
      const answer = await api("GET", `/models/evil/repo${i}`);
      const { error } = ErrorEnvelope.parse(answer.body);
      expect({ status: answer.status, code: error.code }).toEqual({ status: 502, code: "unsafe_file_path" });
      expect(error.message).toContain(JSON.stringify(hostilePaths[i]).slice(1, -1));
      expect(error.message).not.toMatch(/[\x00-\x1f]/);
      figures.refusedByPicker++;
    },
  );

  it("every publish mode refuses them before building, downloading or pushing anything", async () => {
    const downloadsBefore = [...hub.bytesServed.values()].reduce((a, b) => a + b, 0);
    const submitted: Array<{ id: string; mode: PublishMode; path: string }> = [];
    for (const [i, path] of hostilePaths.entries()) {
      for (const mode of modes) {
        const answer = await api("POST", "/publish", {
          source: `huggingface://evil/repo${i}`,
          reference: `${registry.host}/evil/repo${i}:${mode}`,
          mode,
          ...(mode === "direct" ? { builder: "default" } : {}),
        });
        expect(answer.status).toBe(202);
        submitted.push({ id: PublishResponse.parse(answer.body).job.id, mode, path });
        figures.triedPublishes++;
      }
    }
    for (const { id, path } of submitted) {
      const job = await waitForEnd(id);
      expect(job.state).toBe("failed");
      expect(job.error?.code).toBe("unsafe_file_path");
      expect(job.error?.message).toContain(JSON.stringify(path).slice(1, -1));
      figures.refusedPublishes++;
    }
    // BuildKit never started, no file byte left the Hub, nothing reached the registry.
    expect(backend.dockerCallsBesidesHealth().filter((call) => call.startsWith("buildx build"))).toEqual([]);
    expect([...hub.bytesServed.values()].reduce((a, b) => a + b, 0)).toBe(downloadsBefore);
    expect((await catalog()).filter((repo) => repo.startsWith("evil/"))).toEqual([]);
    const leftovers = walk(backend.stateDir).filter((p) => /passwd|win\.ini|escape\.bin|break|nul|ansi/.test(p));
    figures.escaped = leftovers.length;
    expect(leftovers).toEqual([]);
    expect(walk(join(backend.stateDir, "tmp"))).toEqual([]);
  });

  it.each(["export", "native"] as const)(
    "%s mode carries odd but valid names exactly into the annotations",
    async (mode) => {
      const reference = `${registry.host}/acme/odd:${mode}`;
      const answer = await api("POST", "/publish", { source: "huggingface://acme/odd", reference, mode });
      const job = await waitForEnd(PublishResponse.parse(answer.body).job.id);
      expect(job.error).toBeUndefined();
      expect(job.state).toBe("succeeded");
      const layers = job.result?.manifest?.layers ?? [];
      const paths = layers.map((layer) => layer.annotations["org.cncf.model.filepath"]);
      expect(paths.sort()).toEqual(["config.json", ...oddButValid].sort());
      for (const layer of layers) {
        expect(layer.annotations["org.opencontainers.image.title"]).toBe(layer.annotations["org.cncf.model.filepath"]);
      }
      figures.carried++;
    },
  );
});
