import { describe, expect, it } from "vitest";
import { foldAll, PublishRequest, type JobEvent, type JobResult, type TargetResult } from "@model-publisher/contract";
import { jobTargetsText, listedSteps, partialPublish, sharedDigest, targetsText } from "./target-outcome.js";

const a = "localhost:5000/acme/tiny:1";
const b = "localhost:5001/acme/tiny:1";
const c = "localhost:5002/acme/tiny:1";
const ok = (reference: string, digest = "sha256:d"): TargetResult => ({ reference, state: "succeeded", digest });
const failed = (
  reference: string,
  code = "registry_unreachable",
  message = "the registry did not answer.",
): TargetResult => ({
  reference,
  state: "failed",
  error: { code, message },
});
const result = (references: TargetResult[]): JobResult => ({
  reference: a,
  digest: "sha256:d",
  mediaType: "m",
  totalSize: 1,
  references,
});

describe("targetsText", () => {
  it.each([
    [[a], a],
    [[a, b], `${a} and ${b}`],
    [[a, b, c], `${a} and 2 more targets`],
  ])("%j", (references, text) => expect(targetsText(references)).toBe(text));
});

describe("sharedDigest", () => {
  it.each<[string, TargetResult[], string | undefined]>([
    ["every target the same", [ok(a), ok(b)], "sha256:d"],
    ["digests that differ", [ok(a), ok(b, "sha256:e")], undefined],
    ["a failed target", [ok(a), failed(b)], undefined],
    ["one target", [ok(a)], undefined],
  ])("%s", (_name, outcomes, digest) => expect(sharedDigest(outcomes)).toBe(digest));
});

describe("partialPublish", () => {
  const error = { code: "partial_publish", message: "m" };
  it.each<[string, TargetResult[], string, string | undefined]>([
    [
      "one failed target, with its reason",
      [ok(a), failed(b), ok(c)],
      `Published to 2 of 3 targets; ${b} failed: the registry did not answer.`,
      "registry_unreachable",
    ],
    [
      "two failed for the same reason",
      [ok(a), failed(b), failed(c)],
      `Published to 1 of 3 targets; ${b} and ${c} failed.`,
      "registry_unreachable",
    ],
    [
      "two failed for different reasons",
      [ok(a), failed(b), failed(c, "registry_denied", "denied")],
      `Published to 1 of 3 targets; ${b} and ${c} failed.`,
      undefined,
    ],
  ])("%s", (_name, outcomes, sentence, code) => {
    const partial = partialPublish({ error, result: result(outcomes) });
    expect(partial?.sentence).toBe(sentence);
    expect(partial?.code).toBe(code);
    expect(partial?.failed).toEqual(outcomes.filter((o) => o.state === "failed").map((o) => o.reference));
  });

  it("is nothing for other failures or without per-target results", () => {
    expect(partialPublish({ error: { code: "registry_unreachable", message: "m" }, result: result([failed(a)]) })).toBe(
      undefined,
    );
    expect(partialPublish({ error })).toBeUndefined();
  });
});

describe("listedSteps", () => {
  const fold = foldAll(
    [
      { type: "step", id: "phase:listing", name: "List the files", status: "completed" },
      { type: "step", id: "phase:manifest", name: "Push the manifest", status: "started", target: a },
    ].map((event, index) => ({ ...event, seq: index + 1, at: new Date(index).toISOString() }) as JobEvent),
  );
  it("leaves a target's own steps to its row when there are several targets", () => {
    const request = PublishRequest.parse({ source: "huggingface://acme/tiny", references: [a, b] });
    expect(listedSteps({ request }, fold).map((step) => step.name)).toEqual(["List the files"]);
  });
  it("lists every step of a one-target publish", () => {
    const request = PublishRequest.parse({ source: "huggingface://acme/tiny", reference: a });
    expect(listedSteps({ request }, fold)).toHaveLength(2);
  });
});

describe("jobTargetsText", () => {
  it("names the one reference as the result has it, or the targets", () => {
    const one = PublishRequest.parse({ source: "huggingface://acme/tiny", reference: "tiny" });
    expect(jobTargetsText({ request: one })).toBe("tiny");
    expect(jobTargetsText({ request: one, result: result([]) })).toBe(a);
    const two = PublishRequest.parse({ source: "huggingface://acme/tiny", references: [a, b] });
    expect(jobTargetsText({ request: two, result: result([]) })).toBe(`${a} and ${b}`);
  });
});
