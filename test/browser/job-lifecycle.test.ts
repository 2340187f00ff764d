// A job followed from History to its end: the list follows a running job on its own, Cancel ends it with a toast
// (the reload after Cancel must not swallow it), and the cancelled job offers Publish again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse, PublishResponse } from "@model-publisher/contract";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";
import { standinDocker } from "../harness/buildx-publish.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";

describe("a running job in History, cancelled from its page", () => {
  let r: UiRig;

  beforeAll(async () => {
    // Every build of this stand-in hangs until it is interrupted.
    r = await startUiRig({
      models: [tinyModel({ id: "acme/slow-llm", weights: 64 * KiB })],
      env: { DOCKER_BIN: standinDocker, STANDIN_BEHAVIOUR: "hang" },
    });
  });
  afterAll(async () => {
    await r?.close();
  });

  const publish = async (tag: string) => {
    const res = await fetch(`${r.product.url}/publish`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        source: "huggingface://acme/slow-llm",
        reference: `${r.registry.host}/acme/slow-llm:${tag}`,
        mode: "export",
      }),
    });
    return PublishResponse.parse(await res.json()).job;
  };
  const stateOf = async (id: string) =>
    JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${id}`)).json()).job.state;

  it("follows a running job in History without a Refresh", async () => {
    const { page } = r.browser;
    const job = await publish("v1");
    await page.goto(`${r.product.url}/#/jobs`);
    const row = page.getByTestId("history-row").filter({ hasText: "acme/slow-llm:v1" });
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("Running");
    // Wherever the user is, the header shows what is publishing.
    const chip = page.getByTestId("running-chip");
    await expect.poll(() => chip.textContent(), { timeout: 10_000 }).toBe("1 publishing");
    // Ended elsewhere (another client): the open list shows it, and its end is toasted though its page is not open.
    expect((await fetch(`${r.product.url}/jobs/${job.id}/cancel`, { method: "POST" })).status).toBe(202);
    await expect.poll(() => row.textContent(), { timeout: 20_000 }).toContain("Cancelled");
    await page.getByText("acme/slow-llm:v1 was cancelled", { exact: false }).waitFor({ timeout: 10_000 });
    await expect.poll(() => chip.count(), { timeout: 10_000 }).toBe(0);
  });

  it("opens a publishing job from the header chip", async () => {
    const { page } = r.browser;
    const job = await publish("chip");
    await page.goto(`${r.product.url}/#/settings`);
    await page.getByTestId("running-chip").click({ timeout: 10_000 });
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(`#/jobs/${job.id}`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => stateOf(job.id), { timeout: 20_000 }).toBe("canceled");
  });

  it("toasts the cancellation of the job on screen and offers Publish again", async () => {
    const { page } = r.browser;
    const job = await publish("v2");
    await page.goto(`${r.product.url}/#/jobs/${encodeURIComponent(job.id)}`);
    await expect.poll(() => stateOf(job.id), { timeout: 20_000 }).toBe("running");
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.getByText("was cancelled", { exact: false }).waitFor({ timeout: 20_000 });
    await page.getByTestId("job-failure").getByRole("button", { name: "Publish again" }).waitFor();
    expect(await stateOf(job.id)).toBe("canceled");
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it("shows older jobs on demand, a page at a time", async () => {
    const { page } = r.browser;
    const before = (await (await fetch(`${r.product.url}/jobs?limit=100`)).json()) as { jobs: unknown[] };
    // Queued behind the one that hangs: enough jobs for a second page of the history (50 a page).
    for (let i = 0; i < 55; i++) await publish(`q${i}`);
    const total = before.jobs.length + 55;
    await page.goto(`${r.product.url}/#/jobs`);
    const rows = page.getByTestId("history-row");
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole("button", { name: "Show older jobs" }).click();
    await expect.poll(() => rows.count()).toBe(total);
    await expect.poll(() => page.getByRole("button", { name: "Show older jobs" }).count()).toBe(0);
    await rows.filter({ hasText: "acme/slow-llm:v1" }).waitFor();
  });
});
