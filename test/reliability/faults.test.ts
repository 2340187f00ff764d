// Fault injection (issue 7): a wire fault proxy sits in front of the Hub test server and of the registry, where the
// backend's own traffic goes (native: Hub and registry; export: its Hub listing and its push; direct: its Hub listing
// and the post-push checks), and a third in front of the Hub where the builder fetches the model (export and direct:
// what BuildKit's download meets). Each row publishes once under one fault: the job completes, or fails with a clear
// code, in bounded time; a failed job leaves no tag and no temp directory.
import { chmodSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse, PublishResponse, type Job } from "@model-publisher/contract";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { requireSkopeo, skopeoRawDigest, standinDocker } from "../harness/buildx-publish.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import {
  startWireFaultProxy,
  type WireFault,
  type WireFaultProxy,
  type WireMatch,
} from "../harness/wire-fault-proxy.js";
import { writeFigures } from "./figures.js";

/** The stall timeout the backend runs with here (MODEL_PUBLISHER_STALL_TIMEOUT_SECONDS). */
const stallSeconds = 1;
/** How long a build may print nothing here (MODEL_PUBLISHER_BUILD_IDLE_TIMEOUT_SECONDS; 30 min by default). */
const buildIdleSeconds = 8;
/** Longest a row may take, stalls and every retry included. */
const boundSeconds = 40;

type Mode = "native" | "export" | "direct";
/** `builder-hub`: the Hub as the builder's own download meets it, not the backend. */
type Side = "hub" | "registry" | "builder-hub";
type Outcome = "succeeded" | "hub_unreachable" | "registry_unreachable" | "timeout" | "build_failed";

interface Row {
  mode: Mode;
  side: Side;
  name: string;
  fault: WireFault;
  times: number;
  match?: WireMatch;
  expect: Outcome;
}

const downloads: WireMatch = (req) => req.url.startsWith("/cdn-lfs/");
/** A file fetched by name (`/{repo}/resolve/{rev}/{path}`), the step before any CDN redirect. */
const resolves: WireMatch = (req) => req.url.includes("/resolve/");
const treeListing: WireMatch = (req) => req.url.includes("/tree/");
const gets: WireMatch = (req) => req.method === "GET";
const puts: WireMatch = (req) => req.method === "PUT";
/** The backend's requests (undici), not skopeo's push from the builder. */
const backendOnly: WireMatch = (req) => req.userAgent === "node" || req.userAgent === "undici";
const backendGets: WireMatch = (req) => backendOnly(req) && req.method === "GET";

const resetAtConnect: WireFault = { kind: "reset-at-connect" };
const resetMidBody = (afterBytes: number): WireFault => ({ kind: "reset-mid-body", afterBytes });
const stallAtAccept: WireFault = { kind: "stall-at-accept" };
const stallAfterHeaders: WireFault = { kind: "stall-after-headers" };
const burst503: WireFault = { kind: "status", status: 503 };
/** 4 KiB every 100 ms: far slower than the link, yet never idle as long as the stall timeout. */
const drip: WireFault = { kind: "drip", bytesPerTick: 4096, tickMs: 100 };
/**
 * Uploads: a small body sits whole in the socket buffers at once, so the backend sees no byte move until the answer;
 * the drip must finish within the (1 s) stall timeout, as any upload of under 120 s does with the default.
 */
const uploadDrip: WireFault = { kind: "drip", bytesPerTick: 8192, tickMs: 50 };

const rows: Row[] = [
  // Native, Hub side: API calls are tried three times after a dropped connection or a 5xx (not after a timeout);
  // downloads resume with Range.
  {
    mode: "native",
    side: "hub",
    name: "reset at connect (model info)",
    fault: resetAtConnect,
    times: 1,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "hub",
    name: "reset mid-body (download)",
    fault: resetMidBody(32 * 1024),
    times: 1,
    match: downloads,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "hub",
    name: "stall at accept (model info)",
    fault: stallAtAccept,
    times: 1,
    expect: "hub_unreachable",
  },
  {
    mode: "native",
    side: "hub",
    name: "stall after headers (download, once)",
    fault: stallAfterHeaders,
    times: 1,
    match: downloads,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "hub",
    name: "stall after headers (download, every attempt)",
    fault: stallAfterHeaders,
    times: Infinity,
    match: downloads,
    expect: "hub_unreachable",
  },
  {
    mode: "native",
    side: "hub",
    name: "3 × 503 (download)",
    fault: burst503,
    times: 3,
    match: downloads,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "hub",
    name: "5 × 503 (listing)",
    fault: burst503,
    times: 5,
    match: (r) => r.url.includes("/tree/"),
    expect: "hub_unreachable",
  },
  { mode: "native", side: "hub", name: "slow drip", fault: drip, times: Infinity, expect: "succeeded" },
  // Native, registry side: every request retries; uploads resume or restart.
  { mode: "native", side: "registry", name: "reset at connect", fault: resetAtConnect, times: 1, expect: "succeeded" },
  {
    mode: "native",
    side: "registry",
    name: "reset mid-body (blob PUT)",
    fault: resetMidBody(32 * 1024),
    times: 1,
    match: puts,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "registry",
    name: "stall at accept (once)",
    fault: stallAtAccept,
    times: 1,
    expect: "succeeded",
  },
  {
    mode: "native",
    side: "registry",
    name: "stall at accept (every attempt)",
    fault: stallAtAccept,
    times: Infinity,
    expect: "timeout",
  },
  {
    mode: "native",
    side: "registry",
    name: "stall after headers (GET)",
    fault: stallAfterHeaders,
    times: 1,
    match: gets,
    expect: "succeeded",
  },
  { mode: "native", side: "registry", name: "3 × 503", fault: burst503, times: 3, expect: "succeeded" },
  { mode: "native", side: "registry", name: "10 × 503", fault: burst503, times: 10, expect: "registry_unreachable" },
  { mode: "native", side: "registry", name: "slow drip", fault: uploadDrip, times: Infinity, expect: "succeeded" },
  // Export, Hub side: the backend lists the repo before the build (retried like every Hub API call).
  {
    mode: "export",
    side: "hub",
    name: "reset at connect (listing)",
    fault: resetAtConnect,
    times: 1,
    expect: "succeeded",
  },
  {
    mode: "export",
    side: "hub",
    name: "reset mid-body (listing)",
    fault: resetMidBody(64),
    times: 1,
    expect: "succeeded",
  },
  {
    mode: "export",
    side: "hub",
    name: "stall at accept (listing)",
    fault: stallAtAccept,
    times: 1,
    expect: "hub_unreachable",
  },
  {
    mode: "export",
    side: "hub",
    name: "stall after headers (listing)",
    fault: stallAfterHeaders,
    times: 1,
    expect: "hub_unreachable",
  },
  { mode: "export", side: "hub", name: "503 (listing)", fault: burst503, times: 1, expect: "succeeded" },
  {
    mode: "export",
    side: "hub",
    name: "reset at connect, every attempt (listing)",
    fault: resetAtConnect,
    times: Infinity,
    expect: "hub_unreachable",
  },
  { mode: "export", side: "hub", name: "slow drip (listing)", fault: drip, times: Infinity, expect: "succeeded" },
  // Export, registry side: the backend pushes the layout and reads back what the registry holds.
  { mode: "export", side: "registry", name: "reset at connect", fault: resetAtConnect, times: 1, expect: "succeeded" },
  {
    mode: "export",
    side: "registry",
    name: "reset mid-body (blob PUT)",
    fault: resetMidBody(32 * 1024),
    times: 1,
    match: puts,
    expect: "succeeded",
  },
  {
    mode: "export",
    side: "registry",
    name: "stall at accept (once)",
    fault: stallAtAccept,
    times: 1,
    expect: "succeeded",
  },
  {
    mode: "export",
    side: "registry",
    name: "stall at accept (every attempt)",
    fault: stallAtAccept,
    times: Infinity,
    expect: "timeout",
  },
  {
    mode: "export",
    side: "registry",
    name: "stall after headers (GET)",
    fault: stallAfterHeaders,
    times: 1,
    match: gets,
    expect: "succeeded",
  },
  { mode: "export", side: "registry", name: "3 × 503", fault: burst503, times: 3, expect: "succeeded" },
  { mode: "export", side: "registry", name: "slow drip", fault: uploadDrip, times: Infinity, expect: "succeeded" },
  // Direct, registry side: the builder pushes (skopeo, let through); the backend's post-push checks meet the fault.
  {
    mode: "direct",
    side: "registry",
    name: "reset mid-body (manifest GET)",
    fault: resetMidBody(16),
    times: 1,
    match: backendGets,
    expect: "succeeded",
  },
  {
    mode: "direct",
    side: "registry",
    name: "stall after headers (manifest GET)",
    fault: stallAfterHeaders,
    times: 1,
    match: backendGets,
    expect: "succeeded",
  },
  {
    mode: "direct",
    side: "registry",
    name: "stall after headers (every check)",
    fault: stallAfterHeaders,
    times: Infinity,
    match: backendGets,
    expect: "timeout",
  },
  {
    mode: "direct",
    side: "registry",
    name: "3 × 503 (checks)",
    fault: burst503,
    times: 3,
    match: backendOnly,
    expect: "succeeded",
  },
  {
    mode: "direct",
    side: "registry",
    name: "slow drip (checks)",
    fault: drip,
    times: Infinity,
    match: backendOnly,
    expect: "succeeded",
  },
  // The builder's own Hub traffic (export and direct): BuildKit's download fails the build, or, silent on a stalled
  // connection, meets the backend's build idle timeout; either way the job ends with a code and nothing is tagged.
  {
    mode: "export",
    side: "builder-hub",
    name: "reset mid-body (build's download)",
    fault: resetMidBody(1024),
    times: 1,
    match: downloads,
    expect: "build_failed",
  },
  {
    mode: "export",
    side: "builder-hub",
    name: "503 on every listing (build)",
    fault: burst503,
    times: Infinity,
    match: treeListing,
    expect: "build_failed",
  },
  {
    mode: "export",
    side: "builder-hub",
    name: "stall after headers (build's download)",
    fault: stallAfterHeaders,
    times: 1,
    match: resolves,
    expect: "timeout",
  },
  {
    mode: "direct",
    side: "builder-hub",
    name: "reset at connect (build)",
    fault: resetAtConnect,
    times: Infinity,
    expect: "build_failed",
  },
  {
    mode: "direct",
    side: "builder-hub",
    name: "slow drip (build's download)",
    fault: drip,
    times: Infinity,
    match: downloads,
    expect: "succeeded",
  },
];

/** The model row `index` publishes. */
const faultyModel = (index: number) => `acme/faulty-${index}`;

let hub: HubServer;
let registry: RunningRegistry;
let hubProxy: WireFaultProxy;
let builderHubProxy: WireFaultProxy;
let registryProxy: WireFaultProxy;
let backend: BackendProcess;
let toolDir: string;
const results: Array<{ row: Row; outcome: string; seconds: number; fired: number; ok: boolean }> = [];
let tagsLeft = 0;
let tempLeft = 0;
let sessionsLeft = 0;

async function api(method: string, path: string, body?: unknown): Promise<unknown> {
  return (await callApi(backend.address, method, path, body)).body;
}

/** True when the manifest under `name:tag` and every blob it names are in the registry (read directly). */
async function wholeInRegistry(nameAndTag: string): Promise<boolean> {
  const [name, tag] = nameAndTag.split(":") as [string, string];
  const manifest = skopeoRawDigest(`${registry.host}/${name}:${tag}`).manifest as {
    config?: { digest: string };
    layers?: Array<{ digest: string }>;
  };
  const digests = [manifest.config?.digest, ...(manifest.layers ?? []).map((l) => l.digest)];
  for (const digest of digests) {
    if (!digest) return false;
    const res = await fetch(`${registry.url}/v2/${name}/blobs/${digest}`, { method: "HEAD" });
    if (res.status !== 200) return false;
  }
  return true;
}

async function waitForEnd(id: string, seconds: number): Promise<Job> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const { job } = JobResponse.parse(await api("GET", `/jobs/${id}`));
    if (["succeeded", "failed", "canceled", "interrupted"].includes(job.state)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${job.state} after ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  requireSkopeo();
  // A model per row, no blob shared: a registry holding a row's blobs in another repository would have them mounted.
  hub = await startHubServer({
    models: rows.map((_, index) =>
      tinyModel({
        id: faultyModel(index),
        weights: 96 * KiB,
        configFile: JSON.stringify({ model_type: `row${index}` }),
      }),
    ),
  });
  registry = await startRegistry();
  const hubUrl = new URL(hub.url);
  hubProxy = await startWireFaultProxy({ host: hubUrl.hostname, port: Number(hubUrl.port) });
  registryProxy = await startWireFaultProxy({ host: "127.0.0.1", port: registry.port });
  // The builder reaches the Hub through a proxy of its own, so a row faults either the backend's or the build's traffic.
  builderHubProxy = await startWireFaultProxy({ host: hubUrl.hostname, port: Number(hubUrl.port) });
  toolDir = mkdtempSync(join(tmpdir(), "mp-faults-docker-"));
  const docker = join(toolDir, "docker");
  writeFileSync(docker, `#!/bin/sh\nHF_ENDPOINT='${builderHubProxy.url}' exec '${standinDocker}' "$@"\n`);
  chmodSync(docker, 0o755);
  backend = await startBackendProcess({
    env: {
      HF_ENDPOINT: hubProxy.url,
      DOCKER_BIN: docker,
      MODEL_PUBLISHER_STALL_TIMEOUT_SECONDS: String(stallSeconds),
      MODEL_PUBLISHER_BUILD_IDLE_TIMEOUT_SECONDS: String(buildIdleSeconds),
    },
  });
});

afterAll(async () => {
  await backend?.stop();
  await hubProxy?.close();
  await builderHubProxy?.close();
  await registryProxy?.close();
  await hub?.stop();
  await registry?.stop();
  if (toolDir) await rm(toolDir, { recursive: true, force: true });
  const byMode = (mode: Mode) => results.filter((r) => r.row.mode === mode);
  writeFigures("faults", {
    title: "Faults on the wire (Hub and registry)",
    source: "test/reliability/faults.test.ts",
    passed:
      results.length === rows.length &&
      results.every((r) => r.ok) &&
      tagsLeft === 0 &&
      tempLeft === 0 &&
      sessionsLeft === 0,
    figures: [
      { label: "fault rows tried (mode × side × fault)", value: results.length },
      ...(["native", "export", "direct"] as const).map((mode) => ({
        label: `${mode}: rows ending as expected (completed / failed with a clear code)`,
        value: `${byMode(mode).filter((r) => r.ok).length} of ${byMode(mode).length} (${byMode(mode).filter((r) => r.outcome === "succeeded").length} / ${byMode(mode).filter((r) => r.outcome !== "succeeded").length})`,
      })),
      { label: "stall timeout the backend ran with (s)", value: stallSeconds },
      { label: "build idle timeout the backend ran with (s)", value: buildIdleSeconds },
      { label: "longest row (s)", value: Math.max(0, ...results.map((r) => r.seconds)) },
      { label: "jobs left running", value: results.filter((r) => r.outcome === "running").length },
      { label: "tags left by failed jobs", value: tagsLeft },
      { label: "temp directories left under STATE_DIR/tmp", value: tempLeft },
      { label: "upload sessions left in the registry by the backend", value: sessionsLeft },
    ],
    rows: results.map((r) => ({
      mode: r.row.mode,
      side: r.row.side,
      fault: r.row.name,
      "faults fired": r.fired,
      outcome: r.outcome,
      seconds: r.seconds,
      ok: r.ok,
    })),
  });
});

describe("faults on the wire", () => {
  it.each(rows.map((row, index) => [`${row.mode} · ${row.side} · ${row.name}`, row, index] as const))(
    "%s",
    async (_label, row, index) => {
      // A repository and a model per row: no repository of the registry has its blobs, so every byte crosses the
      // faulty wire (the backend mounts blobs it pushed to another repository of a registry).
      const repo = `faults/${row.mode}-row${index}`;
      const tag = "t";
      const started = Date.now();
      const proxy = { hub: hubProxy, "builder-hub": builderHubProxy, registry: registryProxy }[row.side];
      proxy.clear();
      proxy.arm(row.fault, { times: row.times, ...(row.match ? { match: row.match } : {}) });
      let outcome = "running";
      try {
        const answer = PublishResponse.parse(
          await api("POST", "/publish", {
            source: `huggingface://${faultyModel(index)}`,
            reference: `${registryProxy.host}/${repo}:${tag}`,
            mode: row.mode,
            ...(row.mode === "direct" ? { builder: "default" } : {}),
          }),
        );
        const job = await waitForEnd(answer.job.id, boundSeconds);
        outcome = job.state === "succeeded" ? "succeeded" : (job.error?.code ?? job.state);
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        const fired = proxy.fired();
        proxy.clear();
        results.push({ row, outcome, seconds, fired, ok: outcome === row.expect && fired > 0 });
        expect(fired, "the fault fired").toBeGreaterThan(0);
        expect(outcome, job.error?.message).toBe(row.expect);
        // The registry itself, not through the proxy.
        const tagged = await fetch(`${registry.url}/v2/${repo}/manifests/${tag}`, {
          method: "HEAD",
          headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
        });
        if (job.state === "succeeded") {
          expect(job.result?.digest).toBe(skopeoRawDigest(`${registry.host}/${repo}:${tag}`).digest);
        } else if (tagged.status !== 404) {
          // Only a builder's own push (direct mode) may stand when the backend's check after it failed; it is whole.
          const complete = row.mode === "direct" && (await wholeInRegistry(`${repo}:${tag}`));
          if (!complete) tagsLeft++;
          expect(complete, "a failed job left a tag that is not a whole push").toBe(true);
        }
        // Upload sessions the backend opened are committed or dropped (a direct push's are skopeo's, not checked).
        if (row.mode !== "direct") {
          const sessions = registry.uploadSessions(repo);
          sessionsLeft += sessions.length;
          expect(sessions, "upload sessions left open in the registry").toEqual([]);
        }
        const tmp = join(backend.stateDir, "tmp");
        const left = existsSync(tmp) ? readdirSync(tmp) : [];
        tempLeft += left.length;
        expect(left, "temp directories left").toEqual([]);
      } finally {
        proxy.clear();
        if (outcome === "running") {
          results.push({ row, outcome, seconds: Math.round((Date.now() - started) / 100) / 10, fired: 0, ok: false });
        }
      }
    },
    60_000,
  );
});
