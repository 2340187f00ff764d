import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { mediaTypes } from "@model-publisher/contract";
import { readLayoutManifest } from "../registry/layout-pusher.js";
import { completeLayoutConfig } from "./complete-layout-config.js";
import { validateConfig } from "./testdata/validate-config.js";

const digestOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

interface LayerSpec {
  path: string;
  content: Buffer;
  mediaType: string;
}

/** An OCI layout as AIKit writes one: the layers, a config blob, the manifest, index.json. */
function writeLayout(layers: LayerSpec[], config = "{}", configType: string = mediaTypes.modelConfig): string {
  const dir = mkdtempSync(join(tmpdir(), "mp-layout-config-"));
  dirs.push(dir);
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  const put = (bytes: Buffer) => {
    const digest = digestOf(bytes);
    writeFileSync(join(dir, "blobs", "sha256", digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    artifactType: configType === mediaTypes.modelConfig ? mediaTypes.modelManifest : mediaTypes.genericArtifact,
    config: { mediaType: configType, ...put(Buffer.from(config)) },
    layers: layers.map((layer) => ({
      mediaType: layer.mediaType,
      ...put(layer.content),
      annotations: { "org.cncf.model.filepath": layer.path, "org.opencontainers.image.title": layer.path },
    })),
  };
  const manifestBlob = put(Buffer.from(JSON.stringify(manifest)));
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: mediaTypes.ociManifest, ...manifestBlob }] }),
  );
  return dir;
}

const weights = Buffer.from("GGUF weights of a tiny model");
const readme = Buffer.from("# tiny\n");
const rawLayers: LayerSpec[] = [
  { path: "tiny-Q4_K_M.gguf", content: weights, mediaType: "application/vnd.cncf.model.weight.v1.raw" },
  { path: "README.md", content: readme, mediaType: "application/vnd.cncf.model.doc.v1.raw" },
];
const model = {
  repo: "acme/tiny",
  commit: "a".repeat(40),
  createdAt: "2026-01-02T03:04:05.000Z",
  license: "apache-2.0",
  parameters: 596_049_920,
  architecture: "qwen3",
};

async function configOf(dir: string): Promise<unknown> {
  const { bytes } = await readLayoutManifest(dir);
  const manifest = JSON.parse(bytes.toString("utf8")) as { config: { digest: string } };
  return JSON.parse(readFileSync(join(dir, "blobs", "sha256", manifest.config.digest.slice(7)), "utf8")) as unknown;
}

describe("completing AIKit's empty ModelPack config in a layout", () => {
  it("writes the Hub's facts and the layers' diffIds, and index.json points at the new manifest", async () => {
    const dir = writeLayout(rawLayers);
    const before = await readLayoutManifest(dir);
    const done = await completeLayoutConfig(dir, async () => ({ name: "tiny", model, quantization: "Q4_K_M" }));
    expect(done.written).toBe(true);
    const after = await readLayoutManifest(dir);
    expect(after.descriptor.digest).toBe(done.digest);
    expect(after.descriptor.digest).not.toBe(before.descriptor.digest);
    const config = await configOf(dir);
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config).toMatchObject({
      descriptor: { name: "tiny", revision: model.commit, licenses: ["apache-2.0"], createdAt: model.createdAt },
      config: { format: "gguf", quantization: "Q4_K_M", architecture: "qwen3", paramSize: "596m" },
      modelfs: { type: "layers", diffIds: [digestOf(weights), digestOf(readme)] },
    });
    // The layers and everything else of the manifest stay as they were.
    const [was, now] = [before, after].map((m) => JSON.parse(m.bytes.toString("utf8")) as Record<string, unknown>);
    expect(now?.layers).toEqual(was?.layers);
    expect(now?.artifactType).toBe(mediaTypes.modelManifest);
  });

  it("names a gzip layer's diffId by its uncompressed bytes", async () => {
    const tar = Buffer.from("pretend this is a tar of the weights");
    const dir = writeLayout([
      { path: "weights.tar.gz", content: gzipSync(tar), mediaType: "application/vnd.cncf.model.weight.v1.tar+gzip" },
    ]);
    await completeLayoutConfig(dir, async () => ({ name: "tiny", model }));
    expect(await configOf(dir)).toMatchObject({ modelfs: { diffIds: [digestOf(tar)] } });
  });

  it("without Hub facts (a URL source) says what the layout does, and still validates", async () => {
    const dir = writeLayout(rawLayers);
    await completeLayoutConfig(dir, async () => ({ name: "tiny" }));
    const config = await configOf(dir);
    expect(validateConfig(config), JSON.stringify(validateConfig.errors)).toBe(true);
    expect(config).toMatchObject({ descriptor: { name: "tiny" }, config: { format: "gguf" } });
  });

  it.each([
    [
      "a config that has the spec's members",
      () =>
        writeLayout(
          rawLayers,
          JSON.stringify({ descriptor: {}, config: {}, modelfs: { type: "layers", diffIds: ["x"] } }),
        ),
      "complete",
    ],
    ["a generic artifact", () => writeLayout(rawLayers, "{}", mediaTypes.ociEmpty), "not-modelpack"],
    [
      "zstd layers, which Node 20 cannot read",
      () =>
        writeLayout([
          { path: "w.tar.zst", content: weights, mediaType: "application/vnd.cncf.model.weight.v1.tar+zstd" },
        ]),
      "zstd-layers",
    ],
  ])("leaves %s byte for byte", async (_name, make, reason) => {
    const dir = make();
    const index = readFileSync(join(dir, "index.json"));
    const done = await completeLayoutConfig(dir, async () => ({ name: "tiny", model }));
    expect(done).toMatchObject({ written: false, reason });
    expect(readFileSync(join(dir, "index.json"))).toEqual(index);
  });

  it("asks for the model's facts only when it writes a config", async () => {
    let asked = 0;
    const complete = JSON.stringify({ descriptor: {}, config: {}, modelfs: { type: "layers", diffIds: ["x"] } });
    await completeLayoutConfig(writeLayout(rawLayers, complete), async () => {
      asked++;
      return { name: "tiny" };
    });
    expect(asked).toBe(0);
    await completeLayoutConfig(writeLayout(rawLayers), async () => {
      asked++;
      return { name: "tiny" };
    });
    expect(asked).toBe(1);
  });

  it("gives a URL source's config a fixed time, so the same layout gives the same digest", async () => {
    const first = await completeLayoutConfig(writeLayout(rawLayers), async () => ({ name: "tiny" }));
    const second = await completeLayoutConfig(writeLayout(rawLayers), async () => ({ name: "tiny" }));
    expect(first.written && second.written && first.digest).toBe(second.digest);
  });

  it.each([
    [
      "a gzip layer that is not gzip",
      () => writeLayout([{ path: "w", content: weights, mediaType: "application/vnd.cncf.model.weight.v1.tar+gzip" }]),
      /gzip layer sha256:/,
    ],
    [
      "a config blob that is missing",
      () => {
        const dir = writeLayout(rawLayers);
        const { config } = JSON.parse(
          readFileSync(
            join(
              dir,
              "blobs",
              "sha256",
              (
                JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as { manifests: Array<{ digest: string }> }
              ).manifests[0]!.digest.slice(7),
            ),
            "utf8",
          ),
        ) as { config: { digest: string } };
        rmSync(join(dir, "blobs", "sha256", config.digest.slice(7)));
        return dir;
      },
      /config blob sha256:/,
    ],
  ])("refuses %s as a broken layout (integrity_error), writing nothing", async (_name, make, message) => {
    const dir = make();
    const index = readFileSync(join(dir, "index.json"));
    const failure = await completeLayoutConfig(dir, async () => ({ name: "tiny", model })).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: "integrity_error", message: expect.stringMatching(message) });
    expect(readFileSync(join(dir, "index.json"))).toEqual(index);
  });

  it("stops at a cancel", async () => {
    const dir = writeLayout([
      {
        path: "w.tar.gz",
        content: gzipSync(Buffer.alloc(1024)),
        mediaType: "application/vnd.cncf.model.weight.v1.tar+gzip",
      },
    ]);
    const stop = new AbortController();
    stop.abort(new Error("canceled by the user"));
    await expect(completeLayoutConfig(dir, async () => ({ name: "tiny" }), stop.signal)).rejects.toThrow(
      "canceled by the user",
    );
  });
});
