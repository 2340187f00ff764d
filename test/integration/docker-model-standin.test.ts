// The docker stand-in's `docker model version|pull` (test/fixtures/docker-standin/model-runner.ts), as Docker Model
// Runner v1.2.6's plugin answers them: pull reads a ModelPack artifact from a real registry (manifest, config, every
// layer), keeps it in its store with the GGUF file llama.cpp would load, and refuses what DMR refuses.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeModelpackLayout, type LayoutFile } from "../fixtures/modelpack-layout.js";
import { requireSkopeo, standinDocker } from "../harness/buildx-publish.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";

let registry: RunningRegistry;
let dir: string;

const ggufFiles: LayoutFile[] = [
  { path: "gemma-tiny-it-Q8_0.gguf", size: 7_300 },
  { path: "mmproj-F16.gguf", size: 1_700 },
  { path: "README.md", content: "# gemma tiny\n" },
  { path: "config.json", content: '{"model_type":"gemma3"}' },
];

/** Pushes an AIKit-style layout to `<registry>/<repository>:<tag>` with skopeo; answers the manifest digest. */
async function push(repository: string, files: LayoutFile[], options: Parameters<typeof writeModelpackLayout>[2]) {
  const layoutDir = mkdtempSync(join(dir, "layout-"));
  const written = await writeModelpackLayout(layoutDir, files, options);
  const copy = spawnSync(
    "skopeo",
    [
      "copy",
      "--quiet",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${layoutDir}`,
      `docker://${registry.host}/${repository}`,
    ],
    { encoding: "utf8" },
  );
  if (copy.status !== 0) throw new Error(copy.stderr);
  return written;
}

function docker(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(standinDocker, args, {
    encoding: "utf8",
    env: { ...process.env, STANDIN_STATE_DIR: dir, STANDIN_LOG: join(dir, "standin.log"), ...env },
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function storedModels(): Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(join(dir, "standin-models.json"), "utf8")) as Array<Record<string, unknown>>;
}

beforeAll(async () => {
  requireSkopeo();
  dir = mkdtempSync(join(tmpdir(), "standin-model-"));
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("docker model (the stand-in's Docker Model Runner)", () => {
  it("answers `docker model version` in the plugin's shape, and is no command without the plugin", () => {
    const version = docker(["model", "version"]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^Client:\n Version: +v\d+\.\d+\.\d+\n OS\/Arch: +linux\/\w+\n\nServer:\n/);
    expect(version.stdout).toContain(" Engine:     Docker Desktop");
    const missing = docker(["model", "version"], { STANDIN_NO_MODEL: "1" });
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toBe("docker: 'model' is not a docker command.\nSee 'docker --help'\n");
    const log = readFileSync(join(dir, "standin.log"), "utf8").trim().split("\n");
    expect(log.map((line) => (JSON.parse(line) as { argv: string[] }).argv)).toEqual([
      ["model", "version"],
      ["model", "version"],
    ]);
  });

  it("pulls a ModelPack artifact from the registry, every layer read, the GGUF and projector placed", async () => {
    const written = await push("acme/gemma-tiny-it-gguf:q8_0", ggufFiles, { config: '{"config":{"format":"gguf"}}' });
    const reference = `localhost:${registry.port}/acme/gemma-tiny-it-gguf:q8_0`;
    const pulled = docker(["model", "pull", reference]);
    expect(pulled.stderr).toBe("");
    expect(pulled.code).toBe(0);
    const lines = pulled.stdout.trim().split("\n");
    expect(lines.at(-1)).toBe("Model pulled successfully");
    // One progress line per layer, the total as the sum of the layers in decimal units.
    const total = written.layers.reduce((sum, layer) => sum + layer.size, 0);
    expect(lines.slice(0, -1)).toHaveLength(written.layers.length);
    expect(lines.at(-2)).toBe(`Downloaded ${(total / 1000).toFixed(2)}kB of ${(total / 1000).toFixed(2)}kB`);
    expect(storedModels().at(-1)).toMatchObject({
      reference,
      digest: written.manifestDigest,
      configMediaType: "application/vnd.cncf.model.config.v1+json",
      format: "gguf",
      ggufFile: "gemma-tiny-it-Q8_0.gguf",
      mmprojPath: "mmproj-F16.gguf",
      layers: expect.arrayContaining(
        written.layers.map((l) => expect.objectContaining({ path: l.path, digest: l.digest })),
      ),
    });

    // By digest too, as the result page pins it.
    const pinned = docker([
      "model",
      "pull",
      `localhost:${registry.port}/acme/gemma-tiny-it-gguf@${written.manifestDigest}`,
    ]);
    expect(pinned.code).toBe(0);
  });

  it("infers GGUF from the filepath when the config says no format, as DMR's bundle does", async () => {
    await push("acme/no-format:latest", ggufFiles, { config: "{}" });
    const pulled = docker(["model", "pull", `localhost:${registry.port}/acme/no-format`]);
    expect(pulled.code).toBe(0);
    expect(storedModels().at(-1)).toMatchObject({
      reference: `localhost:${registry.port}/acme/no-format:latest`,
      ggufFile: "gemma-tiny-it-Q8_0.gguf",
    });
  });

  it("refuses what DMR refuses, with the plugin's error on stderr", async () => {
    await push("acme/generic:latest", ggufFiles, { target: "generic" });
    const port = registry.port;
    const generic = docker(["model", "pull", `localhost:${port}/acme/generic`]);
    expect(generic.code).toBe(1);
    expect(generic.stderr).toContain(
      `Failed to pull model: pulling localhost:${port}/acme/generic failed with status 422 Unprocessable Entity: unsupported model config media type: error while pulling model: config type "application/vnd.oci.empty.v1+json" is not supported`,
    );
    expect(generic.stderr.trim().split("\n").at(-1)).toBe(
      "    Upgrade Docker Model Runner to the latest version to support this model",
    );

    const missing = docker(["model", "pull", `localhost:${port}/acme/nothing:here`]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: `Failed to pull model: pulling localhost:${port}/acme/nothing:here failed with status 404 Not Found: Model not found\n`,
    });

    const invalid = docker(["model", "pull", "localhost:5000/Bad Name"]);
    expect(invalid.stderr).toBe(
      "Failed to pull model: pulling localhost:5000/Bad Name failed with status 400 Bad Request: Invalid model reference\n",
    );
    // 127.0.0.1 is not plain HTTP to DMR (only localhost and *.local are), so the TLS handshake fails.
    const tls = docker(["model", "pull", `127.0.0.1:${port}/acme/generic`]);
    expect(tls.code).toBe(1);
    expect(tls.stderr).toMatch(/status 500 Internal Server Error: .*UNKNOWN - Get "https:\/\/127\.0\.0\.1:/);
  });

  it("parses flags as the docker CLI does for a plugin command", () => {
    const unknown = docker(["model", "pull", "--ignore-runtime-memory-check", "localhost:5000/x"]);
    expect(unknown).toMatchObject({
      code: 125,
      stderr: "unknown flag: --ignore-runtime-memory-check\nSee 'docker model pull --help'.\n",
    });
    const none = docker(["model", "pull"]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("'docker model pull' requires 1 argument(s).");
    expect(docker(["model", "pull", "-h"])).toMatchObject({ code: 0, stdout: "Usage:  docker model pull MODEL\n" });
  });
});
