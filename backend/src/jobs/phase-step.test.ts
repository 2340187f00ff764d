import type { NewJobEvent } from "@model-publisher/contract";
import { describe, expect, it } from "vitest";
import { phaseRunner, type PhaseOptions } from "./phase-step.js";

const step = { id: "listing", name: "List the files" };
const started = { type: "step", id: "phase:listing", name: "List the files", status: "started" };

async function run(
  work: () => Promise<string>,
  options?: PhaseOptions,
  signal = new AbortController().signal,
): Promise<{ events: NewJobEvent[]; outcome: unknown }> {
  const events: NewJobEvent[] = [];
  const phase = phaseRunner((event) => events.push(event), signal);
  const outcome = await phase(step, work, options).catch((err: unknown) => err);
  return { events, outcome };
}

describe("phaseRunner", () => {
  const failure = new Error("the Hub said no");
  it.each<[string, () => Promise<string>, PhaseOptions | undefined, unknown[], unknown]>([
    ["work that succeeds", async () => "files", undefined, [started, { ...started, status: "completed" }], "files"],
    [
      "work that fails",
      () => Promise.reject(failure),
      undefined,
      [started, { ...started, status: "errored", error: "the Hub said no" }],
      failure,
    ],
    [
      "a failure that is not an Error",
      () => Promise.reject("gone"),
      undefined,
      [started, { ...started, status: "errored", error: "gone" }],
      "gone",
    ],
    [
      "a failure with the caller's step text",
      () => Promise.reject(failure),
      { stepError: () => "plain image" },
      [started, { ...started, status: "errored", error: "plain image" }],
      failure,
    ],
    [
      "a failure the caller leaves without an errored step",
      () => Promise.reject(failure),
      { stepError: () => undefined },
      [started],
      failure,
    ],
  ])("%s", async (_name, work, options, events, outcome) => {
    const got = await run(work, options);
    expect(got.events).toEqual(events);
    expect(got.outcome).toBe(outcome);
  });

  it("does not start a phase once the job is aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("canceled");
    controller.abort(reason);
    let ran = false;
    const got = await run(
      async () => {
        ran = true;
        return "files";
      },
      undefined,
      controller.signal,
    );
    expect(got).toEqual({ events: [], outcome: reason });
    expect(ran).toBe(false);
  });
});
