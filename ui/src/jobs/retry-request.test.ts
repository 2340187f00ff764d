import { describe, expect, it } from "vitest";
import { Job, PublishRequest } from "@model-publisher/contract";
import { retryActions } from "./retry-request.js";

const job = (state: Job["state"], request: Partial<PublishRequest>, code?: string): Job =>
  Job.parse({
    id: "j1",
    state,
    mode: request.mode ?? "direct",
    request: PublishRequest.parse({
      source: "huggingface://acme/tiny",
      reference: "localhost:5000/acme/tiny:1",
      ...request,
    }),
    createdAt: "2026-11-28T12:00:00.000Z",
    progress: { phase: state },
    ...(code ? { error: { code, message: "m" } } : {}),
  });

describe("retryActions", () => {
  it("offers nothing for a job that published or still runs", () => {
    expect(retryActions(job("succeeded", {}))).toEqual([]);
    expect(retryActions(job("running", {}))).toEqual([]);
  });

  it("offers the same request again, an automatic mode left automatic", () => {
    const [again, ...rest] = retryActions(job("interrupted", { exclude: ["original/*"] }, "interrupted"));
    expect(again?.label).toBe("Publish again");
    expect(again?.request).toEqual(
      PublishRequest.parse({
        source: "huggingface://acme/tiny",
        reference: "localhost:5000/acme/tiny:1",
        exclude: ["original/*"],
      }),
    );
    expect(again?.request).not.toHaveProperty("mode");
    expect(rest).toEqual([]);
  });

  it("offers native mode, without builder fields, when the builder pushed a plain image", () => {
    const actions = retryActions(
      job(
        "failed",
        { mode: "direct", builder: "b", frontendImage: "ghcr.io/kaito-project/aikit/aikit:v0.21.0" },
        "builder_not_passthrough",
      ),
    );
    expect(actions.map((a) => a.label)).toEqual(["Publish in native mode", "Publish again"]);
    expect(actions[0]?.request).toMatchObject({ mode: "native", reference: "localhost:5000/acme/tiny:1" });
    expect(actions[0]?.request).not.toHaveProperty("builder");
    expect(actions[0]?.request).not.toHaveProperty("frontendImage");
    expect(PublishRequest.safeParse(actions[0]?.request).success).toBe(true);
  });

  it("offers export mode for what native cannot do (tar layers, https sources)", () => {
    for (const request of [
      { mode: "direct" as const, builder: "b", layerPackaging: "tar" as const },
      { mode: "direct" as const, source: "https://example.com/model.gguf" },
    ]) {
      const actions = retryActions(job("failed", request, "builder_not_passthrough"));
      expect(actions[0]?.label).toBe("Publish in export mode");
      expect(actions[0]?.request).toMatchObject({ ...request, mode: "export" });
    }
  });

  it("offers native mode beside Publish again after a failed build, when native can do the request", () => {
    const failed = retryActions(job("failed", { mode: "export", builder: "b" }, "build_failed"));
    expect(failed.map((a) => a.label)).toEqual(["Publish again", "Publish in native mode"]);
    expect(failed[1]?.request).not.toHaveProperty("builder");
    const tar = retryActions(job("failed", { mode: "export", layerPackaging: "tar" }, "build_failed"));
    expect(tar.map((a) => a.label)).toEqual(["Publish again"]);
    const native = retryActions(job("failed", { mode: "native" }, "hub_unreachable"));
    expect(native.map((a) => a.label)).toEqual(["Publish again"]);
  });
});

describe("retryActions for several targets", () => {
  const a = "localhost:5000/acme/tiny:1";
  const b = "localhost:5001/acme/tiny:1";
  const c = "localhost:5002/acme/tiny:1";
  const partial = (failed: string[], code = "partial_publish"): Job =>
    Job.parse({
      ...job("failed", {}, code),
      // As the backend answers it: the fields the client gave (parsing twice would set reference beside references).
      request: { source: "huggingface://acme/tiny", references: [a, b, c], mode: "native" },
      result: {
        reference: a,
        digest: "sha256:d",
        mediaType: "m",
        totalSize: 1,
        references: [a, b, c].map((reference) =>
          failed.includes(reference)
            ? { reference, state: "failed", error: { code: "registry_unreachable", message: "no answer" } }
            : { reference, state: "succeeded", digest: "sha256:d" },
        ),
      },
    });

  it("sends a several-target request back with references alone, which the contract accepts", () => {
    const [again] = retryActions(partial([b], "registry_unreachable"));
    expect(again?.label).toBe("Publish again");
    expect(again?.request).not.toHaveProperty("reference");
    expect(again?.request).toMatchObject({ references: [a, b, c] });
    expect(PublishRequest.safeParse(again?.request).success).toBe(true);
  });

  it.each<[string[], string, object]>([
    [[b], "Publish again to the failed target", { reference: b }],
    [[b, c], "Publish again to the failed targets", { references: [b, c] }],
  ])("after a partial publish to all but %j, offers those first", (failed, label, targets) => {
    const actions = retryActions(partial(failed));
    expect(actions.map((action) => action.label)).toEqual([label, "Publish again"]);
    const first = actions[0]?.request;
    expect(first).toMatchObject({ ...targets, mode: "native", source: "huggingface://acme/tiny" });
    expect(first).not.toHaveProperty(failed.length === 1 ? "references" : "reference");
    expect(PublishRequest.safeParse(first).success).toBe(true);
  });
});
