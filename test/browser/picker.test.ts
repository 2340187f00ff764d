import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { MiB, tinyModel } from "../fixtures/tiny-model.js";
import { launchChromium, type RunningChromium } from "../harness/chromium.js";
import { startProduct, type RunningProduct } from "../harness/product.js";
import { screenshot } from "./screenshots.js";

describe("model picker (issue 3, acceptance 3)", () => {
  let hub: HubServer;
  let product: RunningProduct;
  let browser: RunningChromium;

  beforeAll(async () => {
    hub = await startHubServer({
      models: [
        tinyModel({
          id: "acme/tiny-llm",
          downloads: 12_345,
          likes: 42,
          pipelineTag: "text-generation",
          libraryName: "transformers",
          tags: ["license:apache-2.0"],
          safetensors: { parameters: { BF16: 1_500_000 }, total: 1_500_000 },
          weights: 3 * MiB,
          original: 2 * MiB,
          extraFiles: [{ path: "original/params.json", content: '{"dim":64}' }],
        }),
        { id: "acme/tiny-gated", downloads: 10, gated: "manual", files: [{ path: "model.gguf", size: 4096 }] },
      ],
    });
    product = await startProduct({ env: { HF_ENDPOINT: hub.url } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await hub?.stop();
  });

  it("searches, opens a model with the keyboard, unticks a folder and sees the selected size change", async () => {
    const { page } = browser;
    await page.goto(`${product.url}/#/publish`);
    const search = page.getByRole("combobox", { name: "Search models" });
    await search.fill("tiny");
    const options = page.getByRole("option");
    await options.filter({ hasText: "acme/tiny-llm" }).waitFor();
    await expect.poll(() => options.count()).toBe(2);
    const first = options.first();
    expect(await first.textContent()).toContain("acme/tiny-llm");
    expect(await first.textContent()).toContain("12.3k");
    expect(await first.textContent()).toContain("text-generation");
    expect(await options.nth(1).textContent()).toContain("Gated");
    await screenshot(page, "picker-search");

    // Keyboard: down to the gated one, back up, Enter opens the first.
    await search.press("ArrowDown");
    await expect.poll(() => options.nth(1).getAttribute("aria-selected")).toBe("true");
    await search.press("ArrowUp");
    await search.press("Enter");
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("#/publish/acme/tiny-llm");

    const total = page.getByTestId("model-total-size");
    const selected = page.getByTestId("model-selected-size");
    await total.getByText("5.00 MiB").waitFor();
    expect(await selected.textContent()).toBe("5.00 MiB");
    await page.getByText("1.5M").waitFor();
    await page.getByRole("treeitem").filter({ hasText: "consolidated.pth" }).waitFor();

    await page.getByRole("checkbox", { name: "Include folder original" }).uncheck();
    await expect.poll(() => selected.textContent()).toBe("3.00 MiB");
    expect(await total.textContent()).toBe("5.00 MiB");
    expect(await page.getByTestId("model-file-count").textContent()).toBe("3 of 5");
    expect(await page.getByRole("checkbox", { name: "Include original/params.json" }).isChecked()).toBe(false);

    await page.getByText("Advanced options").click();
    await page.getByText("Left out: original/*").waitFor();
    await page.getByTestId("normalized-reference").getByText("localhost:5000/acme/tiny-llm:latest").waitFor();
    await screenshot(page, "picker-model-card");
    await page.emulateMedia({ colorScheme: "dark" });
    await screenshot(page, "picker-model-card-dark");
    await page.emulateMedia({ colorScheme: "light" });

    // Ticking one file back makes the folder partly selected.
    await page.getByRole("checkbox", { name: "Include original/params.json" }).check();
    await page.getByText("Left out: original/consolidated.pth").waitFor();
    await expect.poll(() => page.getByTestId("model-file-count").textContent()).toBe("4 of 5");
  });

  it("shows the token prompt for a gated model", async () => {
    const { page } = browser;
    await page.goto(`${product.url}/#/publish/acme/tiny-gated`);
    const prompt = page.getByTestId("needs-token");
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain("acme/tiny-gated is gated");
    await prompt.getByRole("button", { name: "Add token" }).click();
    await page.getByRole("dialog").getByText("Add a Hugging Face token").waitFor();
    await page.getByTestId("hub-token-input").fill("hf_notgranted0000000");
    await screenshot(page, "picker-gated-token");
    await page.getByRole("button", { name: "Save token" }).click();
    // The token is stored, but it has no access: the prompt stays.
    await page.getByRole("dialog").waitFor({ state: "detached" });
    const settings = await (await fetch(`${product.url}/settings`)).json();
    expect(settings.hfToken).toBe("set");
    await expect.poll(() => page.getByTestId("status-chip").textContent()).not.toContain("no Hub token");
    await prompt.waitFor();
    // Failed requests are designed states here; uncaught page errors are not.
    expect(browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
