// Bad input through the HTTP API (issue 7): every case answers a 4xx with its stable code, starts no process,
// writes nothing to the job store, asks the Hub nothing (but for a GGUF variant the repo's file list must show
// missing), and the backend answers /health afterwards.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorEnvelope } from "@model-publisher/contract";
import type { HubServer } from "../fixtures/hub-server.js";
import { startTinyHub } from "../fixtures/tiny-model.js";
import { startBackendProcess, type BackendProcess } from "../harness/backend-process.js";
import { writeFigures } from "./figures.js";

interface Case {
  group: string;
  name: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Already percent-encoded. */
  path: string;
  body?: unknown;
  /** Sent as is instead of `body`. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** The backend must ask the Hub to tell (a variant the repo lacks); every other case asks it nothing. */
  asksHub?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Raw HTTP, so paths, headers and bytes go out exactly as written (fetch would normalise them). */
function send(address: string, c: Pick<Case, "method" | "path" | "body" | "rawBody" | "contentType" | "headers">) {
  const url = new URL(address);
  const payload = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: c.method,
        path: c.path,
        headers: {
          ...(payload !== undefined ? { "content-type": c.contentType ?? "application/json" } : {}),
          ...c.headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const registry = "127.0.0.1:1";
const validPublish = { source: "huggingface://acme/tiny", reference: `${registry}/acme/tiny:1`, mode: "export" };
/** A publish request with fields replaced (`undefined` removes one). */
function publishBody(changes: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...validPublish, ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete body[key];
  return body;
}
const publish = (group: string, name: string, changes: Record<string, unknown>, code: string): Case => ({
  group,
  name,
  method: "POST",
  path: "/publish",
  body: publishBody(changes),
  status: code === "payload_too_large" ? 413 : 400,
  code,
});
const reference = (name: string, value: unknown, code = "invalid_reference") =>
  publish("reference", name, { reference: value }, code);
const source = (name: string, value: unknown) => publish("source", name, { source: value }, "invalid_request");
const artifactName = (name: string, value: unknown) => publish("name", name, { name: value }, "invalid_request");
const exclude = (name: string, value: unknown) => publish("exclude", name, { exclude: value }, "invalid_request");
const builder = (name: string, value: unknown) => publish("builder", name, { builder: value }, "invalid_request");
const quantization = (name: string, changes: Record<string, unknown>) =>
  publish("quantization", name, changes, "invalid_request");
const get = (group: string, name: string, path: string, status: number, code: string): Case => ({
  group,
  name,
  method: "GET",
  path,
  status,
  code,
});
const post = (group: string, name: string, path: string, body: unknown, status: number, code: string): Case => ({
  group,
  name,
  method: "POST",
  path,
  body,
  status,
  code,
});

const deepArray = "[".repeat(20_000) + "]".repeat(20_000);

const cases: Case[] = [
  // References: where a publish goes; each part ends up in buildx argv or a registry URL.
  reference("empty", ""),
  reference("uppercase repository", `${registry}/Acme/Tiny:1`),
  reference("shell ; in the tag", `${registry}/acme/tiny:1;rm -rf /`),
  reference("command substitution $()", `${registry}/acme/tiny:$(reboot)`),
  reference("backticks", `${registry}/acme/tiny:\`id\``),
  reference("path traversal", `${registry}/../etc/passwd:1`),
  reference("NUL byte", `${registry}/acme/tiny:1\u0000`),
  reference("newline then a flag", `${registry}/acme/tiny:1\n--push`),
  reference("a buildx flag", "-o type=local,dest=/"),
  reference("a buildx flag with =", "--output=type=local,dest=/tmp/x"),
  reference("fullwidth solidus", `${registry}\uff0facme/tiny:1`),
  reference("Cyrillic а in the repository", `${registry}/\u0430cme/tiny:1`),
  reference("over-long (600 characters)", `${registry}/${"a".repeat(600)}:1`),
  reference("tag over 128 characters", `${registry}/acme/tiny:${"t".repeat(129)}`),
  reference("malformed digest", `${registry}/acme/tiny@sha256:xyz`),
  reference("a digest and no tag to publish to", `${registry}/acme/tiny@sha256:${"a".repeat(64)}`),
  reference("a URL with a scheme", `https://${registry}/acme/tiny:1`),
  reference("credentials in the reference", `user:pass@${registry}/acme/tiny:1`),
  reference("port out of range", "127.0.0.1:99999/acme/tiny:1"),
  reference("a number", 42, "invalid_request"),
  reference("an array", [`${registry}/acme/tiny:1`], "invalid_request"),
  reference("missing", undefined, "invalid_request"),
  // Sources: what is fetched from the Hub.
  source("shell ; after the repo", "huggingface://acme/tiny;rm -rf /"),
  source("traversal as the namespace", "huggingface://../../etc/passwd"),
  source("traversal in the file path", "huggingface://acme/tiny/../../etc/passwd"),
  source("a file:// URL", "file:///etc/passwd"),
  source("command substitution as revision", "huggingface://acme/tiny@$(id)"),
  source("traversal as revision", "huggingface://acme/tiny@../main"),
  source("fullwidth solidus", "huggingface://acme\uff0ftiny"),
  source("Cyrillic letters", "huggingface://\u0430\u0441me/tiny"),
  source("NUL byte", "huggingface://acme/tiny\u0000"),
  source("trailing newline", "huggingface://acme/tiny\n"),
  source("credentials in an https URL", "https://user:pw@example.com/model.gguf"),
  source("https URL without a file name", "https://example.com/"),
  source("over-long (2000 characters)", `huggingface://acme/${"a".repeat(2000)}`),
  source("namespace starting with a dash", "huggingface://-acme/tiny"),
  source("percent-encoded traversal", "huggingface://acme/tiny/%2e%2e/x"),
  source("single quotes in the file", "huggingface://acme/tiny/'x'"),
  source("null", null),
  // Artifact names: AIKit puts the name into a shell script unescaped.
  artifactName("spaces and capitals", "My Model"),
  artifactName("shell ;", "name;reboot"),
  artifactName("command substitution", "$(id)"),
  artifactName("starts with a dash", "-rf"),
  artifactName("over-long (200 characters)", "a".repeat(200)),
  artifactName("traversal", "../x"),
  artifactName("fullwidth letter", "\uff4dodel"),
  artifactName("Cyrillic", "\u043c\u043e\u0434\u0435\u043b\u044c"),
  artifactName("empty", ""),
  // Exclude globs: quoted into a shell upstream.
  exclude("parent directory", ["../*"]),
  exclude("absolute", ["/etc/*"]),
  exclude("closes the quote", ["'; rm -rf / #"]),
  exclude("a space", ["a b"]),
  exclude("NUL byte", ["x\u0000"]),
  exclude("over-long (300 characters)", ["a".repeat(300)]),
  exclude(
    "101 patterns",
    Array.from({ length: 101 }, (_, i) => `dir${i}/*`),
  ),
  exclude("a string, not a list", "original/*"),
  exclude("fullwidth solidus", ["original\uff0f*"]),
  exclude("command substitution", ["$(id)"]),
  exclude("empty pattern", [""]),
  exclude("backslash", ["..\\x"]),
  publish(
    "exclude",
    "with a single-file source",
    { source: "huggingface://acme/tiny/model.safetensors", exclude: ["*.md"] },
    "invalid_request",
  ),
  publish(
    "exclude",
    "with an https:// source",
    { source: "https://example.com/model.gguf", exclude: ["*.md"] },
    "invalid_request",
  ),
  // GGUF variants: looked up among the repo's files, never a path or an argument.
  quantization("shell ; in the name", { quantization: "Q4_K_M;rm -rf /" }),
  quantization("path traversal", { quantization: "../Q4_K_M" }),
  quantization("empty", { quantization: "" }),
  quantization("over-long (201 characters)", { quantization: "Q".repeat(201) }),
  quantization("a number", { quantization: 4 }),
  quantization("with a single-file source", {
    source: "huggingface://acme/tiny/model.safetensors",
    quantization: "Q4_K_M",
  }),
  quantization("with an https:// source", { source: "https://example.com/model-Q4_K_M.gguf", quantization: "Q4_K_M" }),
  { ...quantization("a variant the repo does not have", { quantization: "Q4_K_M" }), asksHub: true },
  // Builder names: buildx argv.
  builder("a flag", "--help"),
  builder("shell ;", "a;b"),
  builder("traversal", "../b"),
  builder("empty", ""),
  builder("over-long (64 characters)", "b".repeat(64)),
  builder("Greek υ look-alike", "b\u03c5ilder"),
  // Frontend images: a reference that becomes BUILDKIT_SYNTAX.
  publish("frontend image", "shell ;", { frontendImage: "ghcr.io/x;id" }, "invalid_reference"),
  publish("frontend image", "a flag", { frontendImage: "--build-arg=x" }, "invalid_reference"),
  publish(
    "frontend image",
    "trailing newline",
    { frontendImage: "ghcr.io/kaito-project/aikit/aikit:latest\n" },
    "invalid_reference",
  ),
  publish("frontend image", "a number", { frontendImage: 12 }, "invalid_request"),
  // Wrong types, unknown fields, odd bodies.
  publish("publish body", "unknown mode", { mode: "shell" }, "invalid_request"),
  publish("publish body", "unknown target", { target: "packager/../x" }, "invalid_request"),
  publish("publish body", "unknown layer packaging", { layerPackaging: "tar+xz" }, "invalid_request"),
  publish("publish body", "insecureRegistry as a string", { insecureRegistry: "yes" }, "invalid_request"),
  publish("publish body", "unknown field", { dockerArgs: ["--privileged"] }, "invalid_request"),
  publish("publish body", "oversized (300 KiB name)", { name: "a".repeat(300 * 1024) }, "payload_too_large"),
  {
    group: "publish body",
    name: "__proto__ key",
    method: "POST",
    path: "/publish",
    rawBody: `{"__proto__":{"admin":true},"source":"huggingface://acme/tiny","reference":"${registry}/acme/tiny:1"}`,
    status: 400,
    code: "invalid_request",
  },
  post("publish body", "a JSON array", "/publish", [], 400, "invalid_request"),
  post("publish body", "a JSON string", "/publish", "huggingface://acme/tiny", 400, "invalid_request"),
  post("publish body", "JSON null", "/publish", null, 400, "invalid_request"),
  { ...post("publish body", "malformed JSON", "/publish", undefined, 400, "invalid_request"), rawBody: "{" },
  {
    ...post("publish body", "text/plain body", "/publish", undefined, 415, "unsupported_media_type"),
    rawBody: JSON.stringify(validPublish),
    contentType: "text/plain",
  },
  {
    ...post("publish body", "20 000-deep nested arrays", "/publish", undefined, 400, "invalid_request"),
    rawBody: deepArray,
  },
  post("publish body", "no body", "/publish", undefined, 400, "invalid_request"),
  // Settings: the Hub token.
  {
    ...post("hf token", "a space", "/settings/hf-token", { token: "hf_ab cd" }, 400, "invalid_request"),
    method: "PUT",
  },
  {
    ...post("hf token", "a newline", "/settings/hf-token", { token: "hf_abc\nX: y" }, 400, "invalid_request"),
    method: "PUT",
  },
  {
    ...post("hf token", "over-long", "/settings/hf-token", { token: "h".repeat(2000) }, 400, "invalid_request"),
    method: "PUT",
  },
  { ...post("hf token", "a number", "/settings/hf-token", { token: 123 }, 400, "invalid_request"), method: "PUT" },
  {
    ...post("hf token", "unknown field", "/settings/hf-token", { token: "hf_x", scope: "all" }, 400, "invalid_request"),
    method: "PUT",
  },
  {
    ...post(
      "hf token",
      "oversized body",
      "/settings/hf-token",
      { token: "h".repeat(300 * 1024) },
      413,
      "payload_too_large",
    ),
    method: "PUT",
  },
  // Registry login.
  post(
    "registry login",
    "host with a path",
    "/registries/login",
    { host: "evil.example/x", username: "u", password: "p" },
    400,
    "invalid_reference",
  ),
  post(
    "registry login",
    "host as a flag",
    "/registries/login",
    { host: "-H", username: "u", password: "p" },
    400,
    "invalid_reference",
  ),
  post(
    "registry login",
    "host with NUL",
    "/registries/login",
    { host: "127.0.0.1\u0000:5000", username: "u", password: "p" },
    400,
    "invalid_reference",
  ),
  post(
    "registry login",
    "user name with a colon",
    "/registries/login",
    { host: registry, username: "a:b", password: "p" },
    400,
    "invalid_request",
  ),
  post(
    "registry login",
    "empty password",
    "/registries/login",
    { host: registry, username: "u", password: "" },
    400,
    "invalid_request",
  ),
  post(
    "registry login",
    "over-long password",
    "/registries/login",
    { host: registry, username: "u", password: "p".repeat(5000) },
    400,
    "invalid_request",
  ),
  post(
    "registry login",
    "unknown field",
    "/registries/login",
    { host: registry, username: "u", password: "p", insecure: true },
    400,
    "invalid_request",
  ),
  // Builders.
  post("builders", "name as a flag", "/builders", { name: "--driver=docker" }, 400, "invalid_request"),
  post("builders", "name with ;", "/builders", { name: "b;id" }, 400, "invalid_request"),
  post("builders", "unknown driver", "/builders", { name: "b", driver: "kubernetes" }, 400, "invalid_request"),
  post(
    "builders",
    "image adding a driver option",
    "/builders",
    { name: "b", image: "moby/buildkit,network=host" },
    400,
    "invalid_request",
  ),
  post(
    "builders",
    "image with a newline",
    "/builders",
    { name: "b", image: "moby/buildkit\n--use" },
    400,
    "invalid_request",
  ),
  post(
    "builders",
    "image over-long",
    "/builders",
    { name: "b", image: `moby/${"b".repeat(600)}` },
    400,
    "invalid_request",
  ),
  // Search query.
  get("models query", "limit 0", "/models?limit=0", 400, "invalid_request"),
  get("models query", "limit not a number", "/models?limit=abc", 400, "invalid_request"),
  get("models query", "limit 101", "/models?limit=101", 400, "invalid_request"),
  get("models query", "limit 1e400", "/models?limit=1e400", 400, "invalid_request"),
  get("models query", "limit twice", "/models?limit=1&limit=2", 400, "invalid_request"),
  get("models query", "unknown sort", "/models?sort=random", 400, "invalid_request"),
  get("models query", "unknown parameter", "/models?author=acme", 400, "invalid_request"),
  get("models query", "search over 200 characters", `/models?search=${"s".repeat(201)}`, 400, "invalid_request"),
  // Model ids and revisions in the picker route.
  get("model id", "one part", "/models/acme", 400, "invalid_request"),
  get("model id", "encoded traversal", "/models/..%2F..%2Fetc/passwd", 400, "invalid_request"),
  get("model id", "three parts", "/models/acme/tiny/extra", 400, "invalid_request"),
  get("model id", "Cyrillic а", "/models/%D0%B0cme/tiny", 400, "invalid_request"),
  get("model id", "fullwidth solidus", "/models/acme%EF%BC%8Ftiny", 400, "invalid_request"),
  get("model id", "NUL byte", "/models/acme/tiny%00", 400, "invalid_request"),
  get("model id", "malformed percent-encoding", "/models/acme/%E0%A4%A", 400, "invalid_request"),
  get("model id", "over-long name", `/models/acme/${"n".repeat(300)}`, 400, "invalid_request"),
  get("revision", "traversal", "/models/acme/tiny?revision=../main", 400, "invalid_request"),
  get("revision", "command substitution", "/models/acme/tiny?revision=%24(id)", 400, "invalid_request"),
  get("revision", "given twice", "/models/acme/tiny?revision=a&revision=b", 400, "invalid_request"),
  get("revision", "unknown parameter", "/models/acme/tiny?expand=all", 400, "invalid_request"),
  // Jobs.
  get("jobs query", "limit 0", "/jobs?limit=0", 400, "invalid_request"),
  get("jobs query", "limit 500", "/jobs?limit=500", 400, "invalid_request"),
  get("jobs query", "limit not a number", "/jobs?limit=x", 400, "invalid_request"),
  get("jobs query", "before over 64 characters", `/jobs?before=${"j".repeat(65)}`, 400, "invalid_request"),
  get("jobs query", "unknown parameter", "/jobs?state=running", 400, "invalid_request"),
  get("job id", "unknown id", "/jobs/00000000-0000-0000-0000-000000000000", 404, "job_not_found"),
  get("job id", "encoded traversal", "/jobs/..%2F..%2Fetc%2Fpasswd", 404, "job_not_found"),
  get("job id", "SQL injection", "/jobs/'%20OR%201%3D1%20--", 404, "job_not_found"),
  get("job id", "over-long (2000 characters)", `/jobs/${"i".repeat(2000)}`, 404, "job_not_found"),
  get("job id", "malformed percent-encoding", "/jobs/%E0%A4%A", 400, "invalid_request"),
  get("job id", "unknown id, events", "/jobs/nope/events", 404, "job_not_found"),
  post("job id", "unknown id, cancel", "/jobs/nope/cancel", undefined, 404, "job_not_found"),
  post("job id", "NUL id, cancel", "/jobs/%00/cancel", undefined, 404, "job_not_found"),
  get("events query", "after -1", "/jobs/nope/events?after=-1", 400, "invalid_request"),
  get("events query", "after not a number", "/jobs/nope/events?after=abc", 400, "invalid_request"),
  get("events query", "limit 5000", "/jobs/nope/events?limit=5000", 400, "invalid_request"),
  get("events query", "wait 26 s", "/jobs/nope/events?wait=26", 400, "invalid_request"),
  get("events query", "unknown parameter", "/jobs/nope/events?since=1", 400, "invalid_request"),
  // Manifest.
  get("manifest", "no reference", "/manifest", 400, "invalid_request"),
  get("manifest", "command substitution", "/manifest?reference=%24(id)", 400, "invalid_reference"),
  get("manifest", "traversal", `/manifest?reference=${registry}/../../x:1`, 400, "invalid_reference"),
  get("manifest", "reference twice", `/manifest?reference=a:1&reference=b:1`, 400, "invalid_request"),
  get("manifest", "unknown parameter", `/manifest?reference=${registry}/a:1&raw=1`, 400, "invalid_request"),
  post(
    "manifest",
    "compare: bad left",
    "/manifest/compare",
    { left: "x;y", right: `${registry}/a:1` },
    400,
    "invalid_reference",
  ),
  post("manifest", "compare: right missing", "/manifest/compare", { left: `${registry}/a:1` }, 400, "invalid_request"),
  post(
    "manifest",
    "compare: unknown field",
    "/manifest/compare",
    { left: `${registry}/a:1`, right: `${registry}/b:1`, deep: true },
    400,
    "invalid_request",
  ),
  // Routes and callers.
  get("routes", "unknown route", "/admin", 404, "not_found"),
  { ...get("routes", "DELETE /publish", "/publish", 404, "not_found"), method: "DELETE" },
  {
    ...post("callers", "foreign Host (DNS rebinding)", "/publish", validPublish, 403, "forbidden_origin"),
    headers: { host: "attacker.example" },
  },
  {
    ...post("callers", "foreign Origin", "/publish", validPublish, 403, "forbidden_origin"),
    headers: { origin: "https://attacker.example" },
  },
];

let hub: HubServer;
let backend: BackendProcess;
const results: Array<{ group: string; name: string; status: number; code: string; ok: boolean }> = [];

beforeAll(async () => {
  hub = await startTinyHub();
  backend = await startBackendProcess({ env: { HF_ENDPOINT: hub.url } });
});

afterAll(async () => {
  const processes = backend ? backend.dockerCallsBesidesHealth().length : "n/a";
  await backend?.stop();
  await hub?.stop();
  const passed = results.filter((r) => r.ok).length;
  writeFigures("bad-input", {
    title: "Bad input through the HTTP API",
    source: "test/reliability/bad-input.test.ts",
    passed: results.length === cases.length && passed === cases.length,
    figures: [
      { label: "cases tried", value: results.length },
      { label: "cases answered with the expected 4xx and code, no process, no job row, backend up", value: passed },
      {
        label: "groups (references, sources, names, excludes, builders, queries, ids, bodies…)",
        value: new Set(cases.map((c) => c.group)).size,
      },
      { label: "processes started by the cases", value: processes },
    ],
    rows: results.map((r) => ({ group: r.group, case: r.name, status: r.status, code: r.code, ok: r.ok })),
  });
});

describe("bad input", () => {
  it("has at least 60 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it.each(cases.map((c) => [`${c.group}: ${c.name}`, c] as const))("%s", async (_label, c) => {
    const before = backend.storeCounts();
    const hubHits = hub.countHits("/");
    const callsBefore = backend.dockerCallsBesidesHealth().length;
    const answer = await send(backend.address, c);
    const body = ErrorEnvelope.parse(JSON.parse(answer.text));
    results.push({ group: c.group, name: c.name, status: answer.status, code: body.error.code, ok: false });
    expect({ status: answer.status, code: body.error.code }).toEqual({ status: c.status, code: c.code });
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(answer.text).not.toMatch(/\bat \S+ \(|\.ts:\d+|node_modules/);
    const health = await send(backend.address, { method: "GET", path: "/health" });
    expect(health.status).toBe(200);
    expect(backend.dockerCallsBesidesHealth().slice(callsBefore)).toEqual([]);
    expect(backend.storeCounts()).toEqual(before);
    if (!c.asksHub) expect(hub.countHits("/")).toBe(hubHits);
    (results.at(-1) as { ok: boolean }).ok = true;
  });

  it("started no docker process besides the health probe, and no job", () => {
    // The recording CLI works: the health probe went through it.
    expect(backend.dockerCalls()).toContain("buildx version");
    expect(backend.dockerCallsBesidesHealth()).toEqual([]);
    expect(backend.storeCounts()).toEqual({ jobs: 0, events: 0 });
    expect(backend.child.exitCode).toBeNull();
  });
});
