import { describe, expect, it } from "vitest";
import type { JobResult } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { PartialPublishError, settleTargets } from "./target-results.js";

const base: JobResult = { reference: "r1/a:1", digest: "sha256:aa", mediaType: "m", totalSize: 3 };

describe("settleTargets", () => {
  it("answers a single-reference publish as it always has, and lists targets when the request named references", () => {
    expect(settleTargets(base, [{ reference: "r1/a:1", digest: "sha256:aa" }], false)).toEqual(base);
    expect(
      settleTargets(
        base,
        [
          { reference: "r1/a:1", digest: "sha256:aa" },
          { reference: "r2/a:1", digest: "sha256:aa" },
        ],
        true,
      ).references,
    ).toEqual([
      { reference: "r1/a:1", state: "succeeded", digest: "sha256:aa" },
      { reference: "r2/a:1", state: "succeeded", digest: "sha256:aa" },
    ]);
  });

  it("throws the one target's own failure when there is one target", () => {
    const failure = new ContractError("registry_denied", "No.");
    expect(() => settleTargets(base, [{ reference: "r1/a:1", failure }], true)).toThrow(failure);
  });

  it("fails with partial_publish naming the failed targets, every target in request order in its result", () => {
    let thrown: unknown;
    try {
      settleTargets(
        base,
        [
          { reference: "r1/a:1", failure: new ContractError("registry_unreachable", "Down.") },
          { reference: "r2/a:1", digest: "sha256:aa" },
          { reference: "r3/a:1", failure: new Error("boom") },
        ],
        true,
      );
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(PartialPublishError);
    const partial = thrown as PartialPublishError;
    expect(partial.code).toBe("partial_publish");
    expect(partial.details).toEqual({ failedReferences: ["r1/a:1", "r3/a:1"] });
    expect(partial.message).toBe(
      "Published to 1 of 3 targets; failed: r1/a:1 (Down.); r3/a:1 (The backend hit an unexpected error; see its log for details.)",
    );
    expect(partial.result.references?.map((target) => target.state)).toEqual(["failed", "succeeded", "failed"]);
    expect(partial.result.references?.[0]?.error).toEqual({ code: "registry_unreachable", message: "Down." });
    // The first target's reference and digest stay the job's, failed or not.
    expect(partial.result).toMatchObject({ reference: "r1/a:1", digest: "sha256:aa" });
  });
});
