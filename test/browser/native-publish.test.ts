import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { MiB, tinyModel } from "../fixtures/tiny-model.js";
import { skopeoRawDigest } from "../harness/buildx-publish.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { screenshot } from "./screenshots.js";

describe("native mode in the Publish page, with per-file bars (issue 6 UI)", () => {
  let r: UiRig;

  beforeAll(async () => {
    // No docker CLI at all: native is the only way, and the UI must recommend it.
    r = await startUiRig({
      models: [tinyModel({ id: "acme/native-llm", downloads: 7, tags: ["license:mit"], weights: 3 * MiB })],
      env: { DOCKER_BIN: "/nonexistent/docker" },
    });
  });
  afterAll(async () => {
    await r?.close();
  });

  async function publish(reference: string): Promise<string> {
    const { page } = r.browser;
    await page.goto(`${r.product.url}/#/publish/acme/native-llm`);
    await page.getByTestId("model-total-size").getByText("3.00 MiB").waitFor();
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    expect(await page.getByTestId("mode-reason").textContent()).toContain("streams the files from the Hub");
    expect(await page.getByRole("radio", { name: /Direct/ }).isDisabled()).toBe(true);
    await page.getByRole("textbox", { name: "Reference" }).fill(reference);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    return decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
  }

  it("publishes natively, shows verified files, then skipped ones on a re-publish", async () => {
    const { page } = r.browser;
    const first = `${r.registry.host}/acme/native-llm:v1`;
    const id = await publish(first);
    const { job } = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${id}`)).json());
    expect(job.mode).toBe("native");
    expect(job.result?.digest).toBe(skopeoRawDigest(first).digest);
    const bars = page.getByTestId("file-progress");
    await bars
      .filter({ hasText: "model.safetensors" })
      .getByText(/verified/)
      .waitFor();
    expect(await page.getByTestId("overall-progress").textContent()).toContain("3.00 MiB");
    await page
      .getByTestId("manifest-digest")
      .getByText(job.result?.digest ?? "-")
      .waitFor({ timeout: 20_000 });
    await screenshot(page, "native-first");

    await publish(`${r.registry.host}/acme/native-llm:v2`);
    await bars
      .filter({ hasText: "model.safetensors" })
      .getByText(/skipped/)
      .waitFor();
    await screenshot(page, "native-republish");
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
