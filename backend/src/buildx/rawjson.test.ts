import { describe, expect, it } from "vitest";
import type { NewJobEvent } from "@model-publisher/contract";
import { RawjsonProgress } from "./rawjson.js";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const dockerfileVertex = "sha256:2f3d7c1e9a8b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d";
const frontendVertex = "sha256:9a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const fetchVertex = "sha256:5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d";
const t = (s: number) => `2026-01-10T10:00:${String(s).padStart(2, "0")}.123456789Z`;

/** Lines in the shape buildx v0.19 writes with `--progress=rawjson` (Go's json of client.SolveStatus). */
const recorded = {
  dockerfileStarted: JSON.stringify({
    vertexes: [{ digest: dockerfileVertex, name: "[internal] load build definition from Dockerfile", started: t(0) }],
  }),
  dockerfileDone: JSON.stringify({
    vertexes: [
      {
        digest: dockerfileVertex,
        name: "[internal] load build definition from Dockerfile",
        started: t(0),
        completed: t(1),
      },
    ],
    statuses: [
      {
        id: "transferring dockerfile:",
        vertex: dockerfileVertex,
        name: "transferring dockerfile:",
        total: 2,
        current: 2,
        timestamp: t(1),
        started: t(0),
        completed: t(1),
      },
    ],
  }),
  frontendCached: JSON.stringify({
    vertexes: [
      {
        digest: frontendVertex,
        name: "resolve image config for docker-image://ghcr.io/kaito-project/aikit/aikit:latest",
        started: t(1),
        completed: t(1),
        cached: true,
      },
    ],
  }),
  fetchStarted: JSON.stringify({
    vertexes: [
      { digest: fetchVertex, inputs: [frontendVertex], name: "[packager 1/2] download acme/tiny", started: t(2) },
    ],
  }),
  fetchBytes: (current: number) =>
    JSON.stringify({
      statuses: [
        {
          id: "model.safetensors",
          vertex: fetchVertex,
          name: "downloading model.safetensors",
          total: 4096,
          current,
          timestamp: t(3),
          started: t(2),
        },
      ],
    }),
  fetchLog: (text: string, stream = 1) =>
    JSON.stringify({ logs: [{ vertex: fetchVertex, stream, data: b64(text), timestamp: t(3) }] }),
  fetchFailed: JSON.stringify({
    vertexes: [
      {
        digest: fetchVertex,
        name: "[packager 1/2] download acme/tiny",
        started: t(2),
        completed: t(4),
        error: 'process "/bin/sh -c fetch" did not complete successfully: exit code: 1',
      },
    ],
  }),
  warning: JSON.stringify({
    warnings: [{ vertex: fetchVertex, level: 1, short: b64("InsecureRegistry: plain HTTP") }],
  }),
  buildxError: 'ERROR: failed to solve: process "/bin/sh -c fetch" did not complete successfully: exit code: 1',
};

function feed(lines: string[], secrets: string[] = []): { events: NewJobEvent[]; progress: RawjsonProgress } {
  const progress = new RawjsonProgress(secrets);
  const events = lines.flatMap((line) => progress.push(line));
  events.push(...progress.end());
  return { events, progress };
}

const cases: Array<{ name: string; lines: string[]; want: NewJobEvent[] }> = [
  {
    name: "a vertex starting then completing gives two step events",
    lines: [recorded.dockerfileStarted, recorded.dockerfileDone],
    want: [
      {
        type: "step",
        id: dockerfileVertex,
        name: "[internal] load build definition from Dockerfile",
        status: "started",
      },
      {
        type: "step",
        id: dockerfileVertex,
        name: "[internal] load build definition from Dockerfile",
        status: "completed",
      },
      {
        type: "bytes",
        id: `${dockerfileVertex}:transferring dockerfile:`,
        name: "transferring dockerfile:",
        done: 2,
        total: 2,
        status: "done",
      },
    ],
  },
  {
    name: "a repeated vertex update in the same state is not repeated",
    lines: [recorded.dockerfileStarted, recorded.dockerfileStarted],
    want: [
      {
        type: "step",
        id: dockerfileVertex,
        name: "[internal] load build definition from Dockerfile",
        status: "started",
      },
    ],
  },
  {
    name: "a cached vertex is cached",
    lines: [recorded.frontendCached],
    want: [
      {
        type: "step",
        id: frontendVertex,
        name: "resolve image config for docker-image://ghcr.io/kaito-project/aikit/aikit:latest",
        status: "cached",
      },
    ],
  },
  {
    name: "download statuses become bytes events, unchanged ones dropped",
    lines: [recorded.fetchStarted, recorded.fetchBytes(1024), recorded.fetchBytes(1024), recorded.fetchBytes(4096)],
    want: [
      { type: "step", id: fetchVertex, name: "[packager 1/2] download acme/tiny", status: "started" },
      {
        type: "bytes",
        id: `${fetchVertex}:model.safetensors`,
        name: "downloading model.safetensors",
        done: 1024,
        total: 4096,
        status: "downloading",
      },
      {
        type: "bytes",
        id: `${fetchVertex}:model.safetensors`,
        name: "downloading model.safetensors",
        done: 4096,
        total: 4096,
        status: "downloading",
      },
    ],
  },
  {
    name: "base64 logs are split into lines, partial lines joined across messages, tagged with the step",
    lines: [recorded.fetchStarted, recorded.fetchLog("fetching config.json\nfetching mo"), recorded.fetchLog("del\n")],
    want: [
      { type: "step", id: fetchVertex, name: "[packager 1/2] download acme/tiny", status: "started" },
      { type: "log", line: "fetching config.json", stream: "stdout", step: "[packager 1/2] download acme/tiny" },
      { type: "log", line: "fetching model", stream: "stdout", step: "[packager 1/2] download acme/tiny" },
    ],
  },
  {
    name: "stderr logs and an unterminated last line are flushed at the end",
    lines: [recorded.fetchLog("curl: (22) 404", 2)],
    want: [{ type: "log", line: "curl: (22) 404", stream: "stderr" }],
  },
  {
    name: "non-JSON and broken JSON lines are kept as log lines",
    lines: ['#0 building with "mp" instance using docker-container driver', "{not json", "[1, 2]"],
    want: [
      { type: "log", line: '#0 building with "mp" instance using docker-container driver', stream: "stderr" },
      { type: "log", line: "{not json", stream: "stderr" },
      { type: "log", line: "[1, 2]", stream: "stderr" },
    ],
  },
  {
    name: "an errored vertex carries its error",
    lines: [recorded.fetchFailed],
    want: [
      {
        type: "step",
        id: fetchVertex,
        name: "[packager 1/2] download acme/tiny",
        status: "errored",
        error: 'process "/bin/sh -c fetch" did not complete successfully: exit code: 1',
      },
    ],
  },
  {
    name: "warnings become log lines",
    lines: [recorded.warning],
    want: [{ type: "log", line: "WARNING: InsecureRegistry: plain HTTP", stream: "stderr" }],
  },
  {
    name: "empty lines and empty objects give nothing",
    lines: ["", "   ", "{}", JSON.stringify({ vertexes: [{ name: "no digest" }], statuses: [{ current: 1 }] })],
    want: [],
  },
];

describe("RawjsonProgress", () => {
  it.each(cases)("$name", ({ lines, want }) => {
    expect(feed(lines).events).toEqual(want);
  });

  it("keeps the builder's last error line as the failure message", () => {
    const { progress } = feed([recorded.fetchStarted, recorded.fetchFailed, recorded.buildxError]);
    expect(progress.failureMessage()).toBe(recorded.buildxError);
    expect(progress.errorLines).toEqual([
      'process "/bin/sh -c fetch" did not complete successfully: exit code: 1',
      recorded.buildxError,
    ]);
    expect(feed([recorded.fetchStarted]).progress.failureMessage()).toBeUndefined();
  });

  it("remembers only the last few error lines", () => {
    const { progress } = feed(Array.from({ length: 20 }, (_, i) => `ERROR: line ${i}`));
    expect(progress.errorLines).toHaveLength(5);
    expect(progress.failureMessage()).toBe("ERROR: line 19");
  });

  it("redacts secrets from logs, plain lines, step names and errors", () => {
    const token = "hf_SuperSecretToken123";
    const lines = [
      JSON.stringify({ vertexes: [{ digest: fetchVertex, name: `download with ${token}`, started: t(1) }] }),
      recorded.fetchLog(`Authorization: Bearer ${token}\n`),
      `ERROR: 401 for token ${token}`,
      JSON.stringify({ vertexes: [{ digest: fetchVertex, name: "x", started: t(1), error: `bad ${token}` }] }),
    ];
    const { events, progress } = feed(lines, [token]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(JSON.stringify(events)).toContain("[redacted]");
    expect(progress.errorLines.join("\n")).not.toContain(token);
  });

  it("cuts a runaway log line", () => {
    const { events } = feed([recorded.fetchLog(`${"x".repeat(100_000)}\n`)]);
    const line = events[0]?.type === "log" ? events[0].line : "";
    expect(line.length).toBeLessThanOrEqual(4_001);
  });
});
