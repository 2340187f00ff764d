// The promise: after signing in to a registry once and picking a model, the defaults publish it with one click. The
// reference is suggested from the model and the signed-in user, the mode from the builder at hand (a stock BuildKit
// here, so native), and nothing else is touched before Publish.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { MiB, tinyModel } from "../fixtures/tiny-model.js";
import { standinDocker } from "../harness/buildx-publish.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { signInThroughSettings } from "../harness/ui-sign-in.js";
import { screenshot } from "./screenshots.js";

const user = { username: "Publisher", password: "one-click-pa55" };

describe("one click from a picked model to a published artifact", () => {
  let r: UiRig;

  beforeAll(async () => {
    r = await startUiRig({
      models: [
        tinyModel({ id: "Acme/One-Click_LLM", downloads: 3, pipelineTag: "text-generation", weights: MiB }),
        { id: "acme/other-model", downloads: 2, files: [{ path: "model.gguf", size: 4096 }] },
      ],
      registry: { users: [user] },
      env: { DOCKER_BIN: standinDocker },
    });
  });
  afterAll(async () => {
    await r?.close();
  });

  it("signs in once, picks a model and publishes it with the suggested defaults", async () => {
    const { page } = r.browser;
    await signInThroughSettings(page, r.product.url, r.registry.host, user);

    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByRole("combobox", { name: "Search models" }).fill("one-click");
    await page.getByRole("option").filter({ hasText: "Acme/One-Click_LLM" }).click();
    await page.getByTestId("model-total-size").waitFor();
    // Suggested: the signed-in registry and user, the model's name made a valid repository, `latest` for main.
    const expected = `${r.registry.host}/publisher/one-click_llm:latest`;
    await expect.poll(() => page.getByRole("textbox", { name: "Reference" }).inputValue()).toBe(expected);
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    const publish = page.getByRole("button", { name: "Publish" });
    await expect.poll(() => publish.isEnabled()).toBe(true);
    await screenshot(page, "one-click-ready");

    await publish.click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${id}`)).json());
    expect(job.state).toBe("succeeded");
    expect(job.mode).toBe("native");
    expect(job.request.reference).toBe(expected);

    // The registry itself, with the user's password (it refuses anonymous reads), holds what the job reports.
    const auth = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString("base64")}`;
    const head = await fetch(`${r.registry.url}/v2/publisher/one-click_llm/manifests/latest`, {
      method: "HEAD",
      headers: { authorization: auth, accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    expect(head.status).toBe(200);
    expect(head.headers.get("docker-content-digest")).toBe(job.result?.digest);
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it("starts each picked model from its own defaults, not the last model's edits", async () => {
    const { page } = r.browser;
    await page.goto(`${r.product.url}/#/publish/acme/other-model`);
    await page.getByTestId("model-total-size").waitFor();
    const reference = page.getByRole("textbox", { name: "Reference" });
    await reference.fill(`${r.registry.host}/publisher/renamed:v9`);
    await page.getByRole("radio", { name: /Export/ }).check();
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("export mode");

    await page.getByRole("combobox", { name: "Search models" }).fill("one-click");
    await page.getByRole("option").filter({ hasText: "Acme/One-Click_LLM" }).click();
    await page.getByTestId("model-total-size").getByText("1.00 MiB").waitFor();
    await expect.poll(() => reference.inputValue()).toBe(`${r.registry.host}/publisher/one-click_llm:latest`);
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    // History and back: the Publish tab comes back to the picked model.
    await page.getByRole("tab", { name: "History" }).click();
    await page.getByRole("tab", { name: "Publish" }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("#/publish/Acme/One-Click_LLM");
    await page.getByTestId("model-total-size").getByText("1.00 MiB").waitFor();
  });
});
