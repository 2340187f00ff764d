import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { pushInChild } from "../harness/measured-child.js";
import { writeModelpackLayout, type WrittenLayout } from "../fixtures/modelpack-layout.js";

const mib = 1024 * 1024;

describe("layout pusher memory", () => {
  let registry: RunningRegistry;
  let work: string;
  let layout: WrittenLayout;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-memory-"));
    [registry, layout] = await Promise.all([
      startRegistry(),
      writeModelpackLayout(join(work, "layout"), [
        { path: "model-00001-of-00002.safetensors", size: 384 * mib },
        { path: "model-00002-of-00002.safetensors", size: 128 * mib },
        { path: "config.json", content: "{}" },
      ]),
    ]);
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    await rm(work, { recursive: true, force: true });
  });

  it("pushes a 512 MiB layout with peak RSS growth under 100 MiB", async () => {
    const result = await pushInChild(layout.dir, `${registry.host}/models/big:v1`);
    expect(result.digest).toBe(layout.manifestDigest);
    const growthMiB = (result.maxRssKiB - result.baselineRssKiB) / 1024;
    expect(growthMiB).toBeLessThan(100);
  }, 180_000);
});
