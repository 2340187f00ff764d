import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  nativeRefusal,
  PublishRequest,
  type JobResult,
  type PublishMode,
  type PublishRequestInput,
} from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { JobStore } from "../store/job-store.js";
import { admitPublish } from "./admit-publish.js";
import { PublishQueue, type JobRunner } from "./publish-queue.js";
import type { PublishServices } from "./publish-services.js";

/** Never finishes on its own: admission is what is tested, not the run. */
const idleRunner: JobRunner = {
  run: (ctx) =>
    new Promise<JobResult>((_resolve, reject) =>
      ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
    ),
};

let dir: string;
let store: JobStore;
const queues: PublishQueue[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "admit-"));
  store = JobStore.open(dir);
});
afterEach(async () => {
  for (const queue of queues.splice(0)) await queue.close();
  store.close();
  await rm(dir, { recursive: true, force: true });
});

interface Probe {
  passthrough?: boolean;
  modes?: PublishMode[];
  defaultBuilder?: string;
  checkBuilder?: (name: string | undefined) => Promise<void>;
  /** The Hub's file list of every repo; left out, the services list no files. */
  hubFiles?: string[];
}

/** Services over a real queue and history, recording which builders were probed and checked. */
function services(probe: Probe = {}) {
  const modes = probe.modes ?? ["direct", "export", "native"];
  const queue = new PublishQueue({
    store,
    runners: Object.fromEntries(modes.map((mode) => [mode, idleRunner])),
    concurrency: 1,
  });
  queues.push(queue);
  const probed: Array<string | undefined> = [];
  const checked: Array<string | undefined> = [];
  const listed: string[] = [];
  const hubFiles = probe.hubFiles;
  const wired: PublishServices = {
    store,
    queue,
    ...(probe.defaultBuilder ? { defaultBuilder: () => probe.defaultBuilder } : {}),
    builderPassthrough: async (name) => {
      probed.push(name);
      return probe.passthrough;
    },
    checkBuilder: async (name) => {
      checked.push(name);
      await probe.checkBuilder?.(name);
    },
    ...(hubFiles
      ? {
          hubFiles: async (repo: string, revision: string) => {
            listed.push(`${repo}@${revision}`);
            return { files: hubFiles.map((path) => ({ path, size: 1 })) };
          },
        }
      : {}),
  };
  return { wired, probed, checked, listed };
}

const hubModel = { source: "huggingface://acme/tiny", reference: "127.0.0.1:5000/acme/tiny:1" };
const request = (extra: Partial<PublishRequestInput> = {}) => PublishRequest.parse({ ...hubModel, ...extra });

describe("admitPublish", () => {
  it("probes the default builder when no mode is named, and runs direct on a passthrough one", async () => {
    const { wired, probed, checked } = services({ passthrough: true, defaultBuilder: "mp-builder" });
    const sent = { ...hubModel };
    const { job, mode } = await admitPublish(wired, request(), sent);
    expect(mode).toBe("direct");
    expect(probed).toEqual(["mp-builder"]);
    expect(checked).toEqual(["mp-builder"]);
    // The job records the request as sent; the runner gets the default builder filled in.
    expect(job.request).toEqual(sent);
    expect(store.get(job.id)?.mode).toBe("direct");
  });

  it("does not probe when the request names its mode", async () => {
    const { wired, probed } = services({ passthrough: true });
    expect((await admitPublish(wired, request({ mode: "export" }))).mode).toBe("export");
    expect(probed).toEqual([]);
  });

  it("chooses native on a stock builder, and export when the caller names a builder or frontend image", async () => {
    const stock = services({ passthrough: false, defaultBuilder: "mp-builder" });
    const native = await admitPublish(stock.wired, request(), hubModel);
    expect(native.mode).toBe("native");
    expect(stock.checked).toEqual([]);
    const named = await admitPublish(stock.wired, request({ builder: "mine" }), { ...hubModel, builder: "mine" });
    expect(named.mode).toBe("export");
    expect(stock.checked).toEqual(["mine"]);
    const image = { ...hubModel, frontendImage: "ghcr.io/acme/aikit:1" };
    expect((await admitPublish(stock.wired, request(image), image)).mode).toBe("export");
  });

  it("chooses export without a native runner, and for what native cannot publish", async () => {
    const buildxOnly = services({ modes: ["direct", "export"] });
    expect((await admitPublish(buildxOnly.wired, request())).mode).toBe("export");
    const url = { source: "https://example.com/model.gguf", reference: hubModel.reference };
    expect((await admitPublish(services().wired, request(url))).mode).toBe("export");
  });

  it("refuses, before any job exists, a mode that is not here or that cannot publish the request", async () => {
    const buildxOnly = services({ modes: ["direct", "export"] });
    await expect(admitPublish(buildxOnly.wired, request({ mode: "native" }))).rejects.toMatchObject({
      code: "invalid_request",
      status: 400,
      message: "The native mode is not available in this version; use direct or export.",
    });
    const url = { source: "https://example.com/model.gguf", reference: hubModel.reference, mode: "native" as const };
    const refused = admitPublish(services().wired, request(url));
    await expect(refused).rejects.toBeInstanceOf(ContractError);
    await expect(refused).rejects.toMatchObject({ code: "invalid_request", message: nativeRefusal(url) });
    expect(store.list({ limit: 10 })).toEqual([]);
  });

  it("lets the builder check's own error through and queues nothing", async () => {
    const missing = new ContractError("builder_not_found", 'There is no buildx builder named "gone".');
    const { wired } = services({
      checkBuilder: async () => {
        throw missing;
      },
    });
    await expect(admitPublish(wired, request({ mode: "export", builder: "gone" }))).rejects.toBe(missing);
    expect(store.list({ limit: 10 })).toEqual([]);
  });

  describe("a requested quantization", () => {
    const gguf = ["README.md", "m-Q4_K_M.gguf", "m-Q8_0.gguf", "mmproj-F16.gguf"];

    it("is checked against the repo's files and recorded in the job as sent", async () => {
      const { wired, listed } = services({ hubFiles: gguf });
      const sent = { ...hubModel, source: "huggingface://acme/gguf@v2", quantization: "Q8_0", mode: "native" as const };
      const { job } = await admitPublish(wired, request(sent), sent);
      expect(listed).toEqual(["acme/gguf@v2"]);
      expect(job.request).toEqual(sent);
      expect(store.get(job.id)?.request.quantization).toBe("Q8_0");
    });

    it("refuses an unknown variant with 400 invalid_request naming the variants, before any job or builder check", async () => {
      const { wired, checked } = services({ hubFiles: gguf });
      const refused = admitPublish(wired, request({ quantization: "Q5_K_M", mode: "export" }));
      await expect(refused).rejects.toMatchObject({
        code: "invalid_request",
        status: 400,
        message: "acme/tiny has no GGUF variant Q5_K_M; its variants are Q4_K_M, Q8_0.",
      });
      expect(checked).toEqual([]);
      expect(store.list({ limit: 10 })).toEqual([]);
    });

    it("refuses when no Hub listing is wired, rather than queue a job that cannot choose", async () => {
      const refused = admitPublish(services().wired, request({ quantization: "Q4_K_M", mode: "native" }));
      await expect(refused).rejects.toMatchObject({ code: "invalid_request" });
      expect(store.list({ limit: 10 })).toEqual([]);
    });
  });

  it("refuses two references that name one target in different spellings, and queues nothing", async () => {
    const { wired } = services();
    const twice = PublishRequest.parse({
      source: hubModel.source,
      references: ["acme/tiny:1", "docker.io/acme/tiny:1"],
      mode: "native",
    });
    await expect(admitPublish(wired, twice)).rejects.toMatchObject({
      code: "invalid_request",
      status: 400,
      message: expect.stringMatching(/acme\/tiny:1 and docker\.io\/acme\/tiny:1 name the same target/),
    });
    expect(store.list({ limit: 10 })).toEqual([]);
    const distinct = PublishRequest.parse({
      source: hubModel.source,
      references: [hubModel.reference, "127.0.0.1:5001/acme/tiny:1"],
      mode: "native",
    });
    expect((await admitPublish(wired, distinct)).job.request).toMatchObject({ references: distinct.references });
  });
});
