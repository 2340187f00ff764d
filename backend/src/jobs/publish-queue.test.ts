import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PublishRequest, type JobResult } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { RegistryError } from "../registry/errcode.js";
import { JobStore } from "../store/job-store.js";
import { PublishQueue, type JobRunner, type RunContext } from "./publish-queue.js";
import { PartialPublishError, settleTargets } from "./target-results.js";

const request = PublishRequest.parse({ source: "huggingface://acme/tiny", reference: "127.0.0.1:5000/acme/tiny:1" });
const result: JobResult = {
  reference: "127.0.0.1:5000/acme/tiny:1",
  digest: "sha256:00",
  mediaType: "m",
  totalSize: 1,
};

/** A runner whose jobs finish when the test says so, and that stops when aborted. */
class ControlledRunner implements JobRunner {
  readonly started: string[] = [];
  readonly requests: RunContext["request"][] = [];
  private readonly release = new Map<string, (outcome: JobResult | Error) => void>();
  run(ctx: RunContext): Promise<JobResult> {
    this.started.push(ctx.job.id);
    this.requests.push(ctx.request);
    ctx.emit({ type: "step", id: "s1", name: "work", status: "started" });
    return new Promise((resolve, reject) => {
      this.release.set(ctx.job.id, (outcome) => (outcome instanceof Error ? reject(outcome) : resolve(outcome)));
      ctx.signal.addEventListener("abort", () => setTimeout(() => reject(ctx.signal.reason as Error), 20));
    });
  }
  finish(id: string, outcome: JobResult | Error = result): void {
    this.release.get(id)?.(outcome);
  }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

let dir: string;
let store: JobStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "queue-"));
  store = JobStore.open(dir);
});
afterEach(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("PublishQueue", () => {
  it("runs one job at a time by default and queues the rest in order", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    const b = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    expect(store.get(a.id)?.state).toBe("running");
    expect(store.get(b.id)?.state).toBe("queued");
    runner.finish(a.id);
    await until(() => runner.started.length === 2);
    expect(store.get(a.id)).toMatchObject({ state: "succeeded", result });
    runner.finish(b.id);
    await queue.idle();
    expect(store.get(b.id)?.state).toBe("succeeded");
    expect(runner.started).toEqual([a.id, b.id]);
  });

  it("a partial publish fails with partial_publish, its details, and still records the per-target result", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const job = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    const failure = new RegistryError("registry_unreachable", "The registry is unavailable.");
    const partial = (() => {
      try {
        return settleTargets(
          result,
          [
            { reference: result.reference, digest: result.digest },
            { reference: "127.0.0.1:5001/acme/tiny:1", failure },
          ],
          true,
        );
      } catch (err) {
        return err as Error;
      }
    })();
    expect(partial).toBeInstanceOf(PartialPublishError);
    runner.finish(job.id, partial as Error);
    await queue.idle();
    const done = store.get(job.id);
    expect(done).toMatchObject({
      state: "failed",
      error: { code: "partial_publish", details: { failedReferences: ["127.0.0.1:5001/acme/tiny:1"] } },
      result: {
        reference: result.reference,
        references: [
          { reference: result.reference, state: "succeeded", digest: result.digest },
          {
            reference: "127.0.0.1:5001/acme/tiny:1",
            state: "failed",
            error: { code: "registry_unreachable", message: "The registry is unavailable." },
          },
        ],
      },
    });
    expect(done?.error?.message).toMatch(/1 of 2 targets; failed: 127\.0\.0\.1:5001\/acme\/tiny:1 \(The registry/);
  });

  it("records a several-target request as its targets were sent, and runs it with the first as reference", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const references = ["127.0.0.1:5000/acme/tiny:1", "127.0.0.1:5001/acme/tiny:1"];
    const parsed = PublishRequest.parse({ source: "huggingface://acme/tiny", references });
    const job = queue.submit(parsed, "export");
    expect(job.request).not.toHaveProperty("reference");
    expect(job.request.references).toEqual(references);
    await until(() => runner.started.length === 1);
    expect(runner.requests[0]).toMatchObject({ reference: references[0], references });
    runner.finish(job.id);
    await queue.idle();
    expect(store.get(job.id)?.state).toBe("succeeded");
  });

  it("runs up to `concurrency` jobs at once", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 2 });
    const ids = [1, 2, 3].map(() => queue.submit(request, "export").id);
    await until(() => runner.started.length === 2);
    expect(ids.map((id) => store.get(id)?.state)).toEqual(["running", "running", "queued"]);
    ids.forEach((id) => runner.finish(id));
    await until(() => runner.started.length === 3);
    runner.finish(ids[2]!);
    await queue.idle();
  });

  it("uses the runner of the job's mode and refuses a mode without one", async () => {
    const direct = new ControlledRunner();
    const exporter = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { direct, export: exporter }, concurrency: 2 });
    const a = queue.submit(request, "direct");
    const b = queue.submit(request, "export");
    await until(() => direct.started.length === 1 && exporter.started.length === 1);
    expect(direct.started).toEqual([a.id]);
    expect(exporter.started).toEqual([b.id]);
    expect(() => queue.submit(request, "native")).toThrow(/native mode is not available/);
    queue.register("native", new ControlledRunner());
    expect(queue.modes.sort()).toEqual(["direct", "export", "native"]);
    direct.finish(a.id);
    exporter.finish(b.id);
    await queue.idle();
  });

  it("ends a failing job failed with the runner's code and message", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    runner.finish(a.id, new ContractError("build_failed", "ERROR: no such file"));
    await queue.idle();
    expect(store.get(a.id)).toMatchObject({
      state: "failed",
      error: { code: "build_failed", message: "ERROR: no such file" },
    });
    const b = queue.submit(request, "export");
    await until(() => runner.started.length === 2);
    runner.finish(b.id, new Error("secret internals"));
    await queue.idle();
    expect(store.get(b.id)?.error).toMatchObject({ code: "internal" });
    expect(store.get(b.id)?.error?.message).not.toContain("secret internals");
  });

  it("ends a job with a registry failure's own code and message, untranslated", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    runner.finish(a.id, new RegistryError("registry_denied", "The registry refused access.", 403, ["DENIED"]));
    await queue.idle();
    expect(store.get(a.id)?.error).toEqual({ code: "registry_denied", message: "The registry refused access." });
  });

  it("cancels a running job through its signal and a queued one at once", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    const b = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    const queued = queue.cancel(b.id);
    expect(queued).toMatchObject({ ok: true, job: { state: "canceled" } });
    const running = queue.cancel(a.id);
    expect(running).toMatchObject({ ok: true, job: { state: "running" } });
    await queue.idle();
    expect(store.get(a.id)).toMatchObject({ state: "canceled", error: { code: "canceled" } });
    expect(runner.started).toEqual([a.id]);
    expect(queue.cancel(a.id)).toMatchObject({ ok: false, reason: "not_cancelable" });
    expect(queue.cancel("missing")).toEqual({ ok: false, reason: "not_found" });
  });

  it("folds runner events into the job's progress", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    await until(() => store.get(a.id)?.progress.step === "work");
    expect(store.get(a.id)?.progress).toMatchObject({ phase: "building", stepsDone: 0, stepsTotal: 1 });
    runner.finish(a.id);
    await queue.idle();
    expect(store.events(a.id, 0, 100).map((e) => e.type)).toEqual(["state", "state", "step", "result", "state"]);
  });

  it("on close, interrupts running and queued jobs", async () => {
    const runner = new ControlledRunner();
    const queue = new PublishQueue({ store, runners: { export: runner }, concurrency: 1 });
    const a = queue.submit(request, "export");
    const b = queue.submit(request, "export");
    await until(() => runner.started.length === 1);
    await queue.close();
    expect(store.get(a.id)?.state).toBe("interrupted");
    expect(store.get(b.id)?.state).toBe("interrupted");
  });
});
