// Secrets (issue 7): a known Hub token and registry password are planted through the API, every publish mode runs,
// succeeding and failing, and then every place the backend writes or shows is scanned: the secrets appear nowhere.
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventsResponse, JobResponse, PublishResponse, type Job } from "@model-publisher/contract";
import type { HubServer } from "../fixtures/hub-server.js";
import { KiB, startTinyHub } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { writeFigures } from "./figures.js";

const token = `hf_PlantedToken${randomBytes(12).toString("hex")}`;
const username = "publisher";
const password = `Pw-${randomBytes(12).toString("hex")}`;
const wrongPassword = `Wrong-${randomBytes(12).toString("hex")}`;
/** Every form a secret could leak in: as is, and base64 the way docker's config.json and Basic auth carry it. */
const needles = [token, password, wrongPassword].flatMap((secret) => [
  secret,
  Buffer.from(secret).toString("base64"),
  Buffer.from(`${username}:${secret}`).toString("base64"),
]);

let hub: HubServer;
let authRegistry: RunningRegistry;
let openRegistry: RunningRegistry;
let backend: BackendProcess;
/** Name of a place → its bytes, gathered during the run and scanned at the end. */
const places = new Map<string, Buffer>();
const processLines = new Set<string>();
let processSamples = 0;
let hits: string[] = [];
const jobsRun: Array<{ label: string; state: string; code?: string }> = [];

function keep(place: string, content: string | Buffer): void {
  const bytes = typeof content === "string" ? Buffer.from(content) : content;
  places.set(place, Buffer.concat([places.get(place) ?? Buffer.alloc(0), bytes]));
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const answer = await callApi(backend.address, method, path, body);
  const ok = answer.status >= 200 && answer.status < 300;
  keep(
    ok ? `API answers (${method} ${path.split("?")[0]?.replace(/[0-9a-f-]{36}/, "{id}")})` : "error bodies",
    answer.text,
  );
  return answer;
}

/** Reads every process's command line from /proc (NUL-separated argv). */
function sampleProcessTable(): void {
  processSamples++;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
      if (line) processLines.add(line);
    } catch {
      // the process ended between readdir and read
    }
  }
}

const tempFilesSeen = new Set<string>();
/** Reads the files builds keep under STATE_DIR/tmp while they run (each path and size once). */
function sampleTempFiles(stateDir: string): void {
  for (const file of filesUnder(join(stateDir, "tmp"))) {
    try {
      const { size } = statSync(file);
      const key = `${file}:${size}`;
      if (tempFilesSeen.has(key) || size > 1024 * 1024) continue;
      tempFilesSeen.add(key);
      keep("temp files of running builds (STATE_DIR/tmp)", readFileSync(file));
    } catch {
      // removed by the build meanwhile
    }
  }
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    try {
      return statSync(full).isDirectory() ? filesUnder(full) : [full];
    } catch {
      return [];
    }
  });
}

async function waitForEnd(id: string): Promise<Job> {
  for (let i = 0; i < 1200; i++) {
    const { job } = JobResponse.parse((await api("GET", `/jobs/${id}`)).body);
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`job ${id} did not end`);
}

beforeAll(async () => {
  requireSkopeo();
  hub = await startTinyHub({ id: "acme/gated", gated: "manual", grantedTokens: [token], weights: 64 * KiB });
  authRegistry = await startRegistry({ users: [{ username, password }] });
  openRegistry = await startRegistry();
  backend = await startBackendProcess({ env: { HF_ENDPOINT: hub.url, MODEL_PUBLISHER_CONCURRENCY: "3" } });
});

afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
  await authRegistry?.stop();
  await openRegistry?.stop();
  writeFigures("secrets", {
    title: "Secrets",
    source: "test/reliability/secrets.test.ts",
    passed: hits.length === 0 && places.size > 0,
    figures: [
      { label: "secrets planted (Hub token, registry password, a refused password)", value: 3 },
      { label: "forms searched per secret (plain, base64, base64 user:secret)", value: 3 },
      { label: "publishes run (all modes, successes and failures)", value: jobsRun.length },
      { label: "places scanned", value: places.size },
      { label: "bytes scanned", value: [...places.values()].reduce((sum, b) => sum + b.length, 0) },
      { label: "process-table samples (/proc/*/cmdline, every process)", value: processSamples },
      { label: "distinct command lines seen", value: processLines.size },
      { label: "temp files of running builds read", value: tempFilesSeen.size },
      { label: "hits", value: hits.length },
    ],
    rows: [
      ...jobsRun.map((job) => ({ kind: "publish", name: job.label, result: job.code ?? job.state })),
      ...[...places.keys()].map((place) => ({ kind: "place scanned", name: place, result: "no secret" })),
    ],
  });
});

describe("secrets", () => {
  it("appear in no log, event, job record, SQLite file, temp file, error body or command line", async () => {
    expect((await api("PUT", "/settings/hf-token", { token })).status).toBe(204);
    const refused = await api("POST", "/registries/login", {
      host: authRegistry.host,
      username,
      password: wrongPassword,
    });
    expect(refused.status).toBe(401);
    expect((await api("POST", "/registries/login", { host: authRegistry.host, username, password })).status).toBe(204);

    const sampler = setInterval(() => {
      sampleProcessTable();
      sampleTempFiles(backend.stateDir);
    }, 10);
    const gated = "huggingface://acme/gated";
    const publishes: Array<{ label: string; body: Record<string, unknown>; cancel?: boolean; expect: string }> = [
      {
        label: "export",
        body: { mode: "export", reference: `${authRegistry.host}/acme/gated:export` },
        expect: "succeeded",
      },
      {
        label: "native",
        body: { mode: "native", reference: `${authRegistry.host}/acme/gated:native` },
        expect: "succeeded",
      },
      {
        label: "direct",
        body: { mode: "direct", builder: "default", reference: `${openRegistry.host}/acme/gated:direct` },
        expect: "succeeded",
      },
      {
        label: "export, build fails",
        body: { mode: "export", name: "standin-fail", reference: `${authRegistry.host}/acme/gated:fail` },
        expect: "build_failed",
      },
      {
        label: "direct, the builder has no registry login",
        body: { mode: "direct", builder: "default", reference: `${authRegistry.host}/acme/gated:direct` },
        expect: "build_failed",
      },
      {
        label: "export, registry unreachable",
        body: { mode: "export", reference: "127.0.0.1:1/acme/gated:x" },
        expect: "registry_unreachable",
      },
      {
        label: "native, registry unreachable",
        body: { mode: "native", reference: "127.0.0.1:1/acme/gated:x" },
        expect: "registry_unreachable",
      },
      {
        label: "export, canceled",
        body: { mode: "export", name: "standin-hang", reference: `${authRegistry.host}/acme/gated:hang` },
        cancel: true,
        expect: "canceled",
      },
    ];
    const submitted: Array<{ label: string; id: string; expect: string }> = [];
    for (const p of publishes) {
      const answer = await api("POST", "/publish", { source: gated, ...p.body });
      expect(answer.status, `${p.label}: ${JSON.stringify(answer.body)}`).toBe(202);
      const { job } = PublishResponse.parse(answer.body);
      submitted.push({ label: p.label, id: job.id, expect: p.expect });
      if (p.cancel) {
        for (let i = 0; i < 400; i++) {
          const { job: now } = JobResponse.parse((await api("GET", `/jobs/${job.id}`)).body);
          if (now.state === "running" && backend.dockerCalls().some((c) => c.includes("name=standin-hang"))) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        // Let the hanging build show up in the process table before it goes.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect((await api("POST", `/jobs/${job.id}/cancel`)).status).toBe(202);
      }
    }
    for (const s of submitted) {
      const job = await waitForEnd(s.id);
      jobsRun.push({ label: s.label, state: job.state, ...(job.error ? { code: job.error.code } : {}) });
      expect(job.state === "succeeded" ? "succeeded" : job.error?.code, s.label).toBe(s.expect);
      let after = 0;
      for (;;) {
        const page = JobEventsResponse.parse((await api("GET", `/jobs/${s.id}/events?after=${after}&limit=1000`)).body);
        if (page.events.length === 0) break;
        after = page.next;
      }
    }
    clearInterval(sampler);
    await api("GET", "/jobs?limit=200");
    await api("GET", "/settings");

    // The sampler did see the builds it was meant to watch.
    expect([...processLines].some((line) => line.includes("buildx build"))).toBe(true);
    keep("command lines of every process (/proc/*/cmdline)", [...processLines].join("\n"));
    keep("docker CLI invocations (argv)", backend.dockerCalls().join("\n"));
    const sqlite = () =>
      readdirSync(backend.stateDir)
        .filter((name) => name.startsWith("jobs.sqlite"))
        .forEach((name) => keep(`SQLite ${name} (raw bytes)`, readFileSync(join(backend.stateDir, name))));
    sqlite();
    await backend.stop({ keepState: true });
    sqlite();
    keep("backend log (stdout and stderr, LOG_LEVEL=debug)", backend.output());

    // The two files whose job is to hold a secret: only the owner may read them.
    const tokenFile = join(backend.stateDir, "hf-token");
    const loginFile = join(backend.stateDir, "docker", "config.json");
    expect(statSync(tokenFile).mode & 0o077).toBe(0);
    expect(statSync(loginFile).mode & 0o077).toBe(0);
    // They do hold the secrets in a form the scan looks for, so a leak of either would be found.
    expect(readFileSync(tokenFile).includes(token)).toBe(true);
    expect(needles.some((needle) => readFileSync(loginFile).includes(needle))).toBe(true);
    expect(tempFilesSeen.size).toBeGreaterThan(0);
    const stateFiles = filesUnder(backend.stateDir).filter((file) => file !== tokenFile && file !== loginFile);
    for (const file of stateFiles) keep(`STATE_DIR/${relative(backend.stateDir, file)}`, readFileSync(file));
    expect(filesUnder(join(backend.stateDir, "tmp"))).toEqual([]);

    hits = [...places].flatMap(([place, bytes]) =>
      needles.filter((needle) => bytes.includes(needle)).map((needle) => `${place}: …${needle.slice(0, 6)}…`),
    );
    expect(hits).toEqual([]);
  });
});
