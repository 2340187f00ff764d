// The model-publisher CLI as a subprocess, against the Hub test server and the real registry.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResult, ManifestReport } from "@model-publisher/contract";
import type { HubServer } from "../fixtures/hub-server.js";
import { KiB, MiB, startTinyHub } from "../fixtures/tiny-model.js";
import { requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { runCli } from "../harness/cli-run.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = join(repoRoot, "backend", "bin", "model-publisher.mjs");

let hub: HubServer;
let registry: RunningRegistry;
let stateDir: string;

beforeAll(async () => {
  requireSkopeo();
  hub = await startTinyHub({ weights: 3 * MiB, original: 4 * KiB });
  registry = await startRegistry();
  stateDir = mkdtempSync(join(tmpdir(), "mp-cli-state-"));
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  await hub?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], command: string[] = [process.execPath, bin]): Promise<Run> {
  return runCli(args, { hubUrl: hub.url, stateDir }, command);
}

describe("model-publisher CLI", () => {
  it("publishes natively: plain progress lines, then the digest and manifest summary (acceptance 6)", async () => {
    const reference = `${registry.host}/acme/tiny:cli`;
    const result = await run(["publish", "huggingface://acme/tiny", reference, "--exclude", "original/*"]);
    expect(result.stderr).toContain(`Publishing huggingface://acme/tiny to ${reference} (native mode)`);
    expect(result.stderr).toContain("- Stream the files from the Hub into the registry");
    expect(result.stderr).toMatch(/model\.safetensors: 3\.0 MiB verified/);
    expect(result.code).toBe(0);
    const digest = skopeoRawDigest(reference).digest;
    expect(result.stdout).toContain(`Published ${reference}`);
    expect(result.stdout).toMatch(new RegExp(`^digest\\s+${digest}$`, "m"));
    expect(result.stdout).toMatch(/^artifact type application\/vnd\.cncf\.model\.manifest\.v1\+json$/m);
    expect(result.stdout).toMatch(/^layers\s+3, /m);
    expect(result.stdout).not.toContain("consolidated.pth");
  }, 60_000);

  it("--json prints one JSON object with the job result, and inspect reads it back (acceptance 6)", async () => {
    const reference = `${registry.host}/acme/tiny:json`;
    const result = await run(
      ["publish", "huggingface://acme/tiny", reference, "--target", "generic", "--json"],
      ["npx", "--no-install", "model-publisher"],
    );
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const answer = JSON.parse(lines[0] as string) as { state: string; mode: string; job: string; result: unknown };
    expect(answer).toMatchObject({ state: "succeeded", mode: "native", job: expect.any(String) });
    const published = JobResult.parse(answer.result);
    expect(published.digest).toBe(skopeoRawDigest(reference).digest);
    expect(published.artifactType).toBe("application/vnd.unknown.artifact.v1");
    expect(published.manifest?.layers).toHaveLength(4);

    const inspected = await run(["inspect", reference, "--json"]);
    expect(inspected.code).toBe(0);
    const report = ManifestReport.parse(JSON.parse(inspected.stdout));
    expect(report.digest).toBe(published.digest);
  }, 60_000);

  it("publishes to several references from one download; --json lists every target (issue 13)", async () => {
    const references = [`${registry.host}/acme/tiny-one:cli`, `${registry.host}/acme/tiny-two:cli`];
    const plain = await run(["publish", "huggingface://acme/tiny", ...references, "--exclude", "original/*"]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`Publishing huggingface://acme/tiny to ${references.join(", ")} (native mode)`);
    const digest = skopeoRawDigest(references[1] as string).digest;
    expect(skopeoRawDigest(references[0] as string).digest).toBe(digest);
    expect(plain.stdout).toMatch(/^targets\s+2 of 2 published$/m);
    for (const reference of references) expect(plain.stdout).toContain(`${reference}  published  ${digest}`);

    const json = await run(["publish", "huggingface://acme/tiny", ...references, "--exclude", "original/*", "--json"]);
    expect(json.code).toBe(0);
    const answer = JSON.parse(json.stdout) as { state: string; result: unknown };
    expect(answer.state).toBe("succeeded");
    expect(JobResult.parse(answer.result).references).toEqual(
      references.map((reference) => ({ reference, state: "succeeded", digest })),
    );
  }, 60_000);

  it("a bad reference exits 2 with the reason on one line", async () => {
    const result = await run(["publish", "huggingface://acme/tiny", "localhost:5000/Acme/tiny:v1"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")[0]).toMatch(
      /^model-publisher: invalid reference "localhost:5000\/Acme\/tiny:v1": .+/,
    );
  });

  it("an unknown model exits 1 with the model_not_found message", async () => {
    const plain = await run(["publish", "huggingface://acme/nope", `${registry.host}/acme/nope:v1`]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^model-publisher: .*acme\/nope.*$/m);
    const json = await run(["publish", "huggingface://acme/nope", `${registry.host}/acme/nope:v1`, "--json"]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ state: "failed", error: { code: "model_not_found" } });
  }, 30_000);
});
