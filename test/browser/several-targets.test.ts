// Issue 13, the UI: "Add another target" beside the reference publishes one model to several registries with one
// click; the progress page has a row per target and the result a report per target, the same digest on each.
// The request the form sends is the UI's own; what the registries hold afterwards is the backend's part ("fanout").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import {
  JobEventsResponse,
  JobResponse,
  ManifestReport,
  maxPublishTargets,
  type NewJobEvent,
} from "@model-publisher/contract";
import { MiB, tinyModel } from "../fixtures/tiny-model.js";
import { skopeoRawDigest, standinDocker } from "../harness/buildx-publish.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { screenshot } from "./screenshots.js";

/** The body of the next `POST /publish` the page sends while `act` runs. */
async function publishBody(page: Page, act: () => Promise<void>): Promise<Record<string, unknown>> {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && new URL(r.url()).pathname.endsWith("/publish")),
    act(),
  ]);
  return JSON.parse(request.postData() ?? "{}") as Record<string, unknown>;
}

/** The job the page shows, as the backend records it. */
async function shownJob(page: Page, url: string) {
  await page.waitForURL(/#\/jobs\//);
  const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
  return JobResponse.parse(await (await fetch(`${url}/jobs/${encodeURIComponent(id)}`)).json()).job;
}

describe("one model to several registries from the Publish form (issue 13)", () => {
  let r: UiRig;
  let second: RunningRegistry;

  beforeAll(async () => {
    r = await startUiRig({
      models: [tinyModel({ id: "acme/tiny", downloads: 7, pipelineTag: "text-generation", weights: MiB })],
      env: { DOCKER_BIN: standinDocker },
    });
    second = await startRegistry();
  });
  afterAll(async () => {
    await second?.stop();
    await r?.close();
  });

  async function openModel(page: Page) {
    await page.goto(`${r.product.url}/#/publish/acme/tiny`);
    await page.getByTestId("model-total-size").getByText("1.00 MiB").waitFor();
  }

  it("adds a target, publishes to both with one click, and shows a row and a report per target", async () => {
    const { page } = r.browser;
    const first = `${r.registry.host}/acme/tiny:fan`;
    const other = `${second.host}/acme/tiny:fan`;
    await openModel(page);
    await page.getByRole("textbox", { name: "Reference", exact: true }).fill(first);
    const add = page.getByRole("button", { name: "Add another target" });
    await add.click();
    const field = page.getByRole("textbox", { name: "Reference 2", exact: true });
    // The same place twice, written another way, is refused beside the field and keeps Publish off.
    await field.fill(`${r.registry.host}/acme/tiny:fan `);
    await page.getByText("the same place as target 1", { exact: false }).waitFor();
    expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
    await field.fill(other);
    await page.getByTestId("normalized-target").getByText(other).waitFor();
    const publish = page.getByRole("button", { name: "Publish" });
    await expect.poll(() => publish.isEnabled()).toBe(true);
    await screenshot(page, "several-targets-form");

    const body = await publishBody(page, () => publish.click());
    expect(body.references).toEqual([first, other]);
    expect(body).not.toHaveProperty("reference");
    const job = await shownJob(page, r.product.url);
    expect(job.request.references).toEqual([first, other]);

    // A row per target, from the request, while it runs and after.
    await expect.poll(() => page.getByTestId("job-target").count()).toBe(2);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const rows = page.getByTestId("job-target");
    expect(await rows.nth(0).textContent()).toContain(first);
    expect(await rows.nth(1).textContent()).toContain(other);
    await expect.poll(() => page.getByTestId("target-report").count()).toBe(2);

    // From here on, what the registries hold: the backend's several-target publish ("fanout").
    const done = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${job.id}`)).json()).job;
    const digest = done.result?.digest ?? "";
    expect(done.result?.references?.map((target) => [target.reference, target.state, target.digest])).toEqual([
      [first, "succeeded", digest],
      [other, "succeeded", digest],
    ]);
    for (const reference of [first, other]) expect(skopeoRawDigest(reference).digest).toBe(digest);
    const digests = page.getByTestId("manifest-digest");
    await expect.poll(() => digests.count(), { timeout: 20_000 }).toBe(2);
    expect(await digests.allTextContents()).toEqual([digest, digest]);
    expect(await page.getByTestId("shared-digest").textContent()).toContain(digest);
    await screenshot(page, "several-targets-result");
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it(`stops at ${maxPublishTargets} targets, and a target added then removed leaves the request as one target's`, async () => {
    const { page } = r.browser;
    const only = `${r.registry.host}/acme/tiny:one`;
    await openModel(page);
    await page.getByRole("textbox", { name: "Reference", exact: true }).fill(only);
    const add = page.getByRole("button", { name: "Add another target" });
    for (let n = 2; n <= maxPublishTargets; n += 1) await add.click();
    await expect.poll(() => page.getByTestId("more-target").count()).toBe(maxPublishTargets - 1);
    expect(await add.isDisabled()).toBe(true);
    expect(await page.getByTestId("add-target-blocked").textContent()).toContain(`at most ${maxPublishTargets}`);
    for (let n = maxPublishTargets; n >= 2; n -= 1)
      await page.getByRole("button", { name: `Remove target ${n}` }).click();
    await expect.poll(() => page.getByTestId("more-target").count()).toBe(0);
    expect(await add.isEnabled()).toBe(true);

    const publish = page.getByRole("button", { name: "Publish" });
    await expect.poll(() => publish.isEnabled()).toBe(true);
    const body = await publishBody(page, () => publish.click());
    expect(body.reference).toBe(only);
    expect(body).not.toHaveProperty("references");
    const job = await shownJob(page, r.product.url);
    expect(job.request.reference).toBe(only);
    expect(job.request).not.toHaveProperty("references");
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    // One target looks as it always has: no target rows, one report.
    expect(await page.getByTestId("job-target").count()).toBe(0);
    expect(await page.getByTestId("target-report").count()).toBe(0);
    const done = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${job.id}`)).json()).job;
    expect(done.state).toBe("succeeded");
    await page
      .getByTestId("manifest-digest")
      .getByText(done.result?.digest ?? "-")
      .waitFor({ timeout: 20_000 });
  });

  it("shows a partial publish: each target's row and outcome, one sentence, and a retry of the failed target alone", async () => {
    const { page } = r.browser;
    // The backend's answers for a job one target of which failed, as the contract shapes them; the report of the
    // target that succeeded is read from the registry the first test published to.
    const first = `${r.registry.host}/acme/tiny:fan`;
    const other = `${second.host}/acme/tiny:fan`;
    const report = ManifestReport.parse(
      await (await fetch(`${r.product.url}/manifest?reference=${encodeURIComponent(first)}`)).json(),
    );
    const failure = { code: "registry_unreachable", message: `The registry ${second.host} did not answer.` };
    const result = {
      reference: first,
      digest: report.digest,
      mediaType: report.mediaType,
      totalSize: report.totalSize,
      references: [
        { reference: first, state: "succeeded" as const, digest: report.digest },
        { reference: other, state: "failed" as const, error: failure },
      ],
    };
    // As the backend answers it: the request as sent (parsing it would put `reference` beside `references`).
    const job = {
      id: "partial-1",
      state: "failed",
      mode: "native",
      request: { source: "huggingface://acme/tiny", references: [first, other] },
      createdAt: new Date().toISOString(),
      progress: { phase: "failed" },
      error: { code: "partial_publish", message: `Publishing to ${other} failed.` },
      result,
    };
    expect(JobResponse.safeParse({ job }).success).toBe(true);
    const facts: NewJobEvent[] = [
      { type: "state", state: "running" },
      { type: "bytes", id: "sha256:w", name: "model.safetensors", done: MiB, total: MiB, target: first },
      { type: "bytes", id: "sha256:w", name: "model.safetensors", done: 0, total: MiB, target: other },
      { type: "step", id: "phase:upload", name: "Upload", status: "errored", error: failure.message, target: other },
      { type: "result", result },
      { type: "state", state: "failed" },
    ];
    const events = JobEventsResponse.parse({
      events: facts.map((fact, index) => ({ ...fact, seq: index + 1, at: new Date().toISOString() })),
      next: facts.length,
      done: true,
    });
    await page.route("**/jobs/partial-1", (route) => route.fulfill({ json: { job } }));
    await page.route("**/jobs/partial-1/events**", (route) => route.fulfill({ json: events }));

    await page.goto(`${r.product.url}/#/jobs/partial-1`);
    const rows = page.getByTestId("job-target");
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(1).getByTestId("job-target-summary").textContent()).toBe(failure.message);
    expect(await rows.nth(1).getByLabel("failed", { exact: true }).count()).toBe(1);
    const sentence = `Published to 1 of 2 targets; ${other} failed: ${failure.message.replace(/\.$/, "")}.`;
    await page.getByTestId("job-failure").getByText(sentence).waitFor();
    await page.getByTestId("manifest-digest").getByText(report.digest).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("target-report").count()).toBe(2);
    expect(await page.getByTestId("target-failure").textContent()).toContain(failure.message);
    await screenshot(page, "several-targets-partial");

    const body = await publishBody(page, () =>
      page.getByRole("button", { name: "Publish again to the failed target" }).click(),
    );
    expect(body).toMatchObject({ source: "huggingface://acme/tiny", reference: other });
    expect(body).not.toHaveProperty("references");
    await page.waitForURL((url) => url.hash.startsWith("#/jobs/") && url.hash !== "#/jobs/partial-1");
  });
});
