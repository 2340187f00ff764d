// A publish that did not land offers the next step as a button: the same request again, or, when the builder pushed a
// plain image instead of the artifact, the request in the mode that can (native here).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreateBuilderResponse, JobResponse, PublishResponse, type Job } from "@model-publisher/contract";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";
import { callApi } from "../harness/api-call.js";
import { skopeoRawDigest, standinDocker } from "../harness/buildx-publish.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { screenshot } from "./screenshots.js";

describe("publishing again from a job that did not publish", () => {
  let r: UiRig;

  const api = (method: string, path: string, body?: unknown) => callApi(r.product.url, method, path, body);
  const jobOf = async (id: string): Promise<Job> => JobResponse.parse((await api("GET", `/jobs/${id}`)).body).job;
  const waitFinished = async (id: string): Promise<Job> => {
    await expect.poll(async () => (await jobOf(id)).finishedAt, { timeout: 60_000 }).toBeTruthy();
    return jobOf(id);
  };

  beforeAll(async () => {
    // Every build of this docker stand-in pushes an ordinary image, as a stock BuildKit does.
    r = await startUiRig({
      models: [tinyModel({ id: "acme/retry-llm", weights: 512 * KiB })],
      env: { DOCKER_BIN: standinDocker, STANDIN_BEHAVIOUR: "plain-image" },
    });
  });
  afterAll(async () => {
    await r?.close();
  });

  it("offers Publish again and Publish in native mode after builder_not_passthrough, and both start new jobs", async () => {
    const builder = CreateBuilderResponse.parse((await api("POST", "/builders", { name: "mp-retry" })).body).builder;
    const reference = `${r.registry.host}/acme/retry-llm:v1`;
    const submitted = await api("POST", "/publish", {
      source: "huggingface://acme/retry-llm",
      reference,
      mode: "direct",
      builder: builder.name,
    });
    const first = PublishResponse.parse(submitted.body).job;
    const failed = await waitFinished(first.id);
    expect(failed.error?.code).toBe("builder_not_passthrough");

    const { page } = r.browser;
    await page.goto(`${r.product.url}/#/jobs/${encodeURIComponent(first.id)}`);
    const failure = page.getByTestId("job-failure");
    await failure.waitFor();
    await screenshot(page, "retry-offered");

    // The same request again: a new job with exactly the request the first one had. Admitting it can take the backend
    // a second or two on a busy machine (it asks the docker stand-in), more than expect.poll's default 1 s.
    await failure.getByRole("button", { name: "Publish again" }).click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain(encodeURIComponent(first.id));
    const againId = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const again = await waitFinished(againId);
    expect(again.request).toEqual(failed.request);
    expect(again.error?.code).toBe("builder_not_passthrough");

    // The way out: native mode, no builder fields, and it publishes.
    await page.getByTestId("job-failure").getByRole("button", { name: "Publish in native mode" }).click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).not.toContain(encodeURIComponent(againId));
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const nativeId = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const native = await jobOf(nativeId);
    expect(native.mode).toBe("native");
    expect(native.request.builder).toBeUndefined();
    expect(native.result?.digest).toBe(skopeoRawDigest(reference).digest);
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
