import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PublishRequest, type Job } from "@model-publisher/contract";
import { phaseRunner } from "../jobs/phase-step.js";
import { BuildxRunner, type RegistryAccess } from "./run-build.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const unused = async (): Promise<never> => {
  throw new Error("not reached");
};
const registry: RegistryAccess = { pushLayout: unused, copy: unused, inspect: unused };

describe("BuildxRunner", () => {
  it("stops waiting for a builder still being attached as soon as the job is canceled", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "mp-run-build-"));
    dirs.push(stateDir);
    let attachCalls = 0;
    const runner = new BuildxRunner({
      dockerBin: "/nonexistent/docker",
      stateDir,
      frontendImage: "ghcr.io/kaito-project/aikit/aikit:latest",
      hfToken: async () => undefined,
      defaultBuilder: async () => "engine-one",
      // An engine builder whose attachment never ends (a stuck daemon).
      useBuilder: () => {
        attachCalls++;
        return new Promise<void>(() => undefined);
      },
      registry,
    });
    const stop = new AbortController();
    const request = PublishRequest.parse({
      source: "huggingface://acme/tiny",
      reference: "localhost:5000/acme/tiny:1",
      mode: "export",
    });
    const run = runner.run({
      job: {} as Job,
      request,
      mode: "export",
      signal: stop.signal,
      emit: () => undefined,
      phase: phaseRunner(() => undefined, stop.signal),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop.abort(new Error("canceled by the user"));
    await expect(run).rejects.toThrow("canceled by the user");
    expect(attachCalls).toBe(1);
  });
});
