import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { MiB, tinyModel } from "../fixtures/tiny-model.js";
import { skopeoRawDigest, standinDocker } from "../harness/buildx-publish.js";
import type { RunningChromium } from "../harness/chromium.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { screenshot } from "./screenshots.js";

/** The product with a docker stand-in whose builds behave as `behaviour` says (`biglog`…). */
function rig(behaviour = ""): Promise<UiRig> {
  return startUiRig({
    models: [
      tinyModel({
        id: "acme/tiny-llm",
        downloads: 500,
        pipelineTag: "text-generation",
        tags: ["license:mit"],
        weights: 2 * MiB,
        original: MiB,
      }),
    ],
    env: { DOCKER_BIN: standinDocker, STANDIN_BEHAVIOUR: behaviour },
  });
}

/** Search, pick, create a passthrough builder, set the reference, Publish; answers the job id. */
async function publishFromUi(page: RunningChromium["page"], url: string, reference: string, shot?: string) {
  await page.goto(`${url}/#/publish`);
  await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
  await page.getByRole("option").filter({ hasText: "acme/tiny-llm" }).click();
  await page.getByTestId("model-total-size").getByText("3.00 MiB").waitFor();
  await page.getByRole("checkbox", { name: "Include folder original" }).uncheck();
  const field = page.getByRole("textbox", { name: "Reference" });
  await field.fill("localhost:5000/Acme/tiny");
  await page.getByText("repository names are lowercase", { exact: false }).waitFor();
  expect(await page.getByRole("button", { name: "Publish" }).isDisabled()).toBe(true);
  await field.fill(reference);
  await page.getByTestId("normalized-reference").getByText(reference).waitFor();

  // The stand-in's default builder is a stock BuildKit: native is recommended until a passthrough builder exists.
  await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
  await page.getByRole("button", { name: "Create builder" }).click();
  await expect.poll(() => page.getByTestId("publish-mode").textContent(), { timeout: 20_000 }).toBe("direct mode");
  expect(await page.getByTestId("mode-reason").textContent()).toContain("passthrough");
  if (shot) await screenshot(page, shot);

  await page.getByRole("button", { name: "Publish" }).click();
  await page.waitForURL(/#\/jobs\//);
  return decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
}

describe("publish flow in Chromium (issue 5, acceptance 7)", () => {
  let r: UiRig;
  beforeAll(async () => {
    r = await rig();
  });
  afterAll(async () => {
    await r?.close();
  });

  it("searches, picks, publishes, watches progress and sees the manifest", async () => {
    const { page } = r.browser;
    const reference = `${r.registry.host}/acme/tiny-llm:v1`;
    const id = await publishFromUi(page, r.product.url, reference, "publish-form");

    await page.getByTestId("job-state").waitFor();
    await screenshot(page, "publish-progress");
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const { job } = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${id}`)).json());
    expect(job.state).toBe("succeeded");
    expect(job.request.exclude).toEqual(["original/*"]);
    expect(job.request.mode).toBe("direct");
    const digest = job.result?.digest ?? "";
    expect(digest).toBe(skopeoRawDigest(reference).digest);

    expect(await page.getByTestId("job-step").count()).toBeGreaterThan(0);
    await page.getByTestId("manifest-digest").getByText(digest).waitFor({ timeout: 20_000 });
    const layers = page.getByRole("table", { name: "Layers" });
    await layers.getByText("model.safetensors", { exact: true }).waitFor();
    expect(await layers.getByText("consolidated.pth").count()).toBe(0);
    await screenshot(page, "publish-result");

    await page.getByRole("tab", { name: "History" }).click();
    const row = page.getByTestId("history-row").filter({ hasText: reference });
    await row.waitFor();
    expect(await row.textContent()).toContain("Published");
    expect(await row.textContent()).toContain(digest.slice(0, 19));
    await screenshot(page, "history");
    await row.click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/jobs/${id}`);
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});

describe("a 10 000-line build log (issue 5, acceptance 7)", () => {
  let r: UiRig;
  beforeAll(async () => {
    r = await rig("biglog");
  });
  afterAll(async () => {
    await r?.close();
  });

  it("polls at most ~4 times a second and renders a bounded log window", async () => {
    const { page } = r.browser;
    const polls: number[] = [];
    page.on("request", (request) => /\/jobs\/[^/]+\/events/.test(request.url()) && polls.push(Date.now()));
    await publishFromUi(page, r.product.url, `${r.registry.host}/acme/tiny-llm:biglog`);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });

    const summary = page.getByTestId("log-summary");
    await expect
      .poll(async () => Number(/(\d+) lines/.exec((await summary.textContent()) ?? "")?.[1] ?? 0))
      .toBeGreaterThanOrEqual(10_000);
    expect(await summary.textContent()).toContain("last 500 shown");
    await summary.click();
    const log = page.getByRole("region").getByLabel("Log", { exact: true });
    await log.waitFor();
    const shown = ((await log.textContent()) ?? "").split("\n").length;
    expect(shown).toBeLessThanOrEqual(500);
    expect(await log.textContent()).toContain("log line 9999 of the build");
    await screenshot(page, "publish-biglog");

    // Busiest second of polling.
    const perSecond = new Map<number, number>();
    for (const at of polls) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(5);

    // Still responsive: a click answers at once.
    const started = Date.now();
    await page.getByRole("tab", { name: "Inspect" }).click();
    await page.getByRole("textbox", { name: "Reference", exact: true }).waitFor();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
