import { afterEach, describe, expect, it } from "vitest";
import {
  ErrorEnvelope,
  JobEventsResponse,
  JobList,
  JobResponse,
  nativeRefusal,
  PublishResponse,
  type JobResult,
} from "@model-publisher/contract";
import { testContext } from "../../../test/harness/app-context.js";
import { ContractError } from "../errors.js";
import { PublishQueue, type JobRunner, type RunContext } from "../jobs/publish-queue.js";
import { startServer } from "../server.js";
import { JobStore } from "../store/job-store.js";
import { callApi } from "../../../test/harness/api-call.js";

/** Ends each job as the request's reference tag says: `ok`, `fail` or `wait` (until aborted). */
class TagRunner implements JobRunner {
  async run(ctx: RunContext): Promise<JobResult> {
    ctx.emit({ type: "step", id: "sha256:v", name: "build", status: "started" });
    const tag = ctx.request.reference.split(":").at(-1);
    if (tag === "fail") throw new ContractError("build_failed", "ERROR: boom");
    if (tag === "wait") {
      await new Promise((_resolve, reject) =>
        ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason as Error)),
      );
    }
    ctx.emit({ type: "step", id: "sha256:v", name: "build", status: "completed" });
    return { reference: ctx.request.reference, digest: "sha256:aa", mediaType: "m", totalSize: 1 };
  }
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: { passthrough?: boolean; native?: boolean } = {}) {
  const { ctx } = testContext({ DOCKER_BIN: "/nonexistent/docker" });
  const store = JobStore.open(ctx.config.stateDir);
  const runner = new TagRunner();
  const queue = new PublishQueue({
    store,
    runners: { direct: runner, export: runner, ...(options.native ? { native: runner } : {}) },
    concurrency: 1,
  });
  ctx.publish = {
    store,
    queue,
    defaultBuilder: () => "mp-builder",
    builderPassthrough: async () => options.passthrough,
  };
  const server = await startServer(ctx);
  cleanups.push(() => store.close());
  cleanups.push(() => queue.close());
  cleanups.push(() => server.close());
  const call = (method: string, path: string, body?: unknown) => callApi(server.address, method, path, body);
  return { call, store, queue };
}

const publishBody = (tag: string, extra: Record<string, unknown> = {}) => ({
  source: "huggingface://acme/tiny",
  reference: `127.0.0.1:5000/acme/tiny:${tag}`,
  mode: "export",
  ...extra,
});

async function waitForState(call: Awaited<ReturnType<typeof start>>["call"], id: string, states: string[]) {
  for (let i = 0; i < 300; i++) {
    const { body } = await call("GET", `/jobs/${id}`);
    const { job } = JobResponse.parse(body);
    if (states.includes(job.state)) return job;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`job ${id} never reached ${states.join("/")}`);
}

describe("publish and job routes", () => {
  it("publishes: 202 with the queued job, then succeeded with its result and events", async () => {
    const { call } = await start();
    const res = await call("POST", "/publish", publishBody("ok"));
    expect(res.status).toBe(202);
    const { job } = PublishResponse.parse(res.body);
    expect(job.mode).toBe("export");
    // On the wire the request is exactly as sent: no default target, no default builder written into it.
    expect((res.body as { job: { request: unknown } }).job.request).toEqual(publishBody("ok"));
    const done = await waitForState(call, job.id, ["succeeded"]);
    expect(done.result?.digest).toBe("sha256:aa");
    const events = JobEventsResponse.parse((await call("GET", `/jobs/${job.id}/events`)).body);
    expect(events.events.map((e) => e.type)).toEqual(["state", "state", "step", "step", "result", "state"]);
    expect(events).toMatchObject({ next: 6, done: true });
    const page = JobEventsResponse.parse((await call("GET", `/jobs/${job.id}/events?after=2&limit=2`)).body);
    expect(page.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(page).toMatchObject({ next: 4, done: false });
  });

  it("lists jobs newest first and pages with before", async () => {
    const { call } = await start();
    const ids: string[] = [];
    for (const tag of ["a", "b", "c"]) {
      ids.push(PublishResponse.parse((await call("POST", "/publish", publishBody(tag))).body).job.id);
    }
    const all = JobList.parse((await call("GET", "/jobs")).body);
    expect(all.jobs.map((j) => j.id)).toEqual([...ids].reverse());
    const page = JobList.parse((await call("GET", `/jobs?limit=1&before=${ids[2]}`)).body);
    expect(page.jobs.map((j) => j.id)).toEqual([ids[1]]);
    const bad = await call("GET", "/jobs?limit=0");
    expect(bad.status).toBe(400);
    const envelope = ErrorEnvelope.parse(bad.body);
    expect(envelope.error.code).toBe("invalid_request");
    // The details are zod's own issues: a code, the path as an array, a message.
    expect(envelope.error.details?.issues).toEqual([
      expect.objectContaining({ code: "too_small", path: ["limit"], message: expect.any(String) }),
    ]);
    // Parameters given empty, as a URL template leaves them, count as left out.
    const templated = JobList.parse((await call("GET", "/jobs?limit=&before=")).body);
    expect(templated.jobs.map((j) => j.id)).toEqual([...ids].reverse());
    const events = await call("GET", `/jobs/${ids[0]}/events?after=&limit=&wait=`);
    expect(JobEventsResponse.parse(events.body).events[0]?.seq).toBe(1);
  });

  it("ends a failing job failed with the runner's message", async () => {
    const { call } = await start();
    const { job } = PublishResponse.parse((await call("POST", "/publish", publishBody("fail"))).body);
    const done = await waitForState(call, job.id, ["failed"]);
    expect(done.error).toEqual({ code: "build_failed", message: "ERROR: boom" });
  });

  it("cancels a running job (202) and refuses a finished one (409)", async () => {
    const { call } = await start();
    const { job } = PublishResponse.parse((await call("POST", "/publish", publishBody("wait"))).body);
    await waitForState(call, job.id, ["running"]);
    const cancel = await call("POST", `/jobs/${job.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(JobResponse.parse(cancel.body).job.id).toBe(job.id);
    await waitForState(call, job.id, ["canceled"]);
    const again = await call("POST", `/jobs/${job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(ErrorEnvelope.parse(again.body).error.code).toBe("job_not_cancelable");
  });

  it("answers job_not_found for unknown ids on every job route", async () => {
    const { call } = await start();
    for (const [method, path] of [
      ["GET", "/jobs/nope"],
      ["GET", "/jobs/nope/events"],
      ["POST", "/jobs/nope/cancel"],
    ] as const) {
      const res = await call(method, path);
      expect(res.status).toBe(404);
      expect(ErrorEnvelope.parse(res.body).error.code).toBe("job_not_found");
    }
  });

  it("long-polls events: answers as soon as one arrives, and at once when wait=0", async () => {
    const { call } = await start();
    const { job } = PublishResponse.parse((await call("POST", "/publish", publishBody("wait"))).body);
    await waitForState(call, job.id, ["running"]);
    const { next } = JobEventsResponse.parse((await call("GET", `/jobs/${job.id}/events`)).body);
    const started = Date.now();
    const polled = call("GET", `/jobs/${job.id}/events?after=${next}&wait=10`);
    setTimeout(() => void call("POST", `/jobs/${job.id}/cancel`), 200);
    const answer = JobEventsResponse.parse((await polled).body);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(answer.events.length).toBeGreaterThan(0);
    expect(answer.events[0]?.seq).toBe(next + 1);
    const tooLong = await call("GET", `/jobs/${job.id}/events?wait=26`);
    expect(tooLong.status).toBe(400);
  });

  it("validates the publish request with the contract", async () => {
    const { call } = await start();
    const cases: Array<[Record<string, unknown>, string]> = [
      [publishBody("ok", { reference: "Bad Ref" }), "invalid_reference"],
      [publishBody("ok", { name: "x;rm -rf" }), "invalid_request"],
      [publishBody("ok", { exclude: ["'a'"] }), "invalid_request"],
      [publishBody("ok", { layerPackaging: "zip" }), "invalid_request"],
      [publishBody("ok", { token: "hf_x" }), "invalid_request"],
    ];
    for (const [body, code] of cases) {
      const res = await call("POST", "/publish", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(ErrorEnvelope.parse(res.body).error.code).toBe(code);
    }
  });

  it("defaults the mode: direct on a passthrough builder, native when registered, else export", async () => {
    const omit = (tag: string) => ({ source: "huggingface://acme/tiny", reference: `127.0.0.1:5000/a/b:${tag}` });
    const passthrough = await start({ passthrough: true });
    expect(PublishResponse.parse((await passthrough.call("POST", "/publish", omit("ok"))).body).job.mode).toBe(
      "direct",
    );
    const stock = await start({ passthrough: false });
    expect(PublishResponse.parse((await stock.call("POST", "/publish", omit("ok"))).body).job.mode).toBe("export");
    const native = await start({ passthrough: false, native: true });
    expect(PublishResponse.parse((await native.call("POST", "/publish", omit("ok"))).body).job.mode).toBe("native");
    const refused = await stock.call("POST", "/publish", { ...omit("ok"), mode: "native" });
    expect(refused.status).toBe(400);
  });

  it("never chooses a mode that refuses the request, and answers 400 when the request names it", async () => {
    const native = await start({ passthrough: false, native: true });
    const url = { source: "https://example.com/m.gguf", reference: "127.0.0.1:5000/a/b:ok" };
    expect(PublishResponse.parse((await native.call("POST", "/publish", url)).body).job.mode).toBe("export");
    const jobsBefore = JobList.parse((await native.call("GET", "/jobs")).body).jobs.length;
    const refused = await native.call("POST", "/publish", { ...url, mode: "native" });
    expect(refused.status).toBe(400);
    // Native mode's own refusal (the contract's), before any job exists.
    expect(ErrorEnvelope.parse(refused.body).error).toEqual({ code: "invalid_request", message: nativeRefusal(url) });
    expect(nativeRefusal(url)).toMatch(/^Native mode publishes from the Hugging Face Hub/);
    expect(JobList.parse((await native.call("GET", "/jobs")).body).jobs).toHaveLength(jobsBefore);
  });
});
