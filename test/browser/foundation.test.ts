import { statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HealthResponse } from "@model-publisher/contract";
import { launchChromium, type RunningChromium } from "../harness/chromium.js";
import { startProduct, type RunningProduct } from "../harness/product.js";
import { screenshot } from "./screenshots.js";

describe("standalone UI (issue 2, acceptance 2)", () => {
  let product: RunningProduct;
  let browser: RunningChromium;

  beforeAll(async () => {
    product = await startProduct({ env: { MODEL_PUBLISHER_VERSION: `9.8.${process.pid}` } });
    browser = await launchChromium({ colorScheme: "light" });
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  it("shows the header, the backend version from /health, and follows the color scheme", async () => {
    const health = HealthResponse.parse(await (await fetch(`${product.url}/health`)).json());
    const { page } = browser;
    await page.goto(`${product.url}/`);

    await page.getByRole("heading", { name: "Model Publisher" }).waitFor();
    await page.getByText("Publish Hugging Face models to any OCI registry").waitFor();
    for (const tab of ["Publish", "History", "Inspect", "Settings"]) {
      await page.getByRole("tab", { name: tab }).waitFor();
    }
    const statusLine = page.getByTestId("status-line");
    await statusLine.getByText(`Backend ${health.version}`).waitFor();
    expect(health.version).toBe(`9.8.${process.pid}`);
    expect(await statusLine.textContent()).toContain(health.docker.available ? "docker" : "docker CLI not found");

    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    const lightShot = await screenshot(page, "foundation-light");

    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(background).not.toBe(light);
    const dark = await background();
    const darkShot = await screenshot(page, "foundation-dark");

    // Dark really is darker: compare the luminance of the two backgrounds.
    const luminance = (css: string) => {
      const [r, g, b] = (css.match(/\d+/g) ?? []).map(Number);
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    expect(luminance(dark)).toBeLessThan(luminance(light));

    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(background).toBe(light);

    for (const shot of [lightShot, darkShot]) expect(statSync(shot).size).toBeGreaterThan(1000);
    // The Hub is unreachable here, so the first search fails by design; uncaught page errors must not happen.
    expect(browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it("keeps deep state in the hash: a reload lands on the same tab", async () => {
    const { page } = browser;
    await page.goto(`${product.url}/#/settings`);
    await page.getByRole("tab", { name: "Settings", selected: true }).waitFor();
    await page.reload();
    await page.getByRole("tab", { name: "Settings", selected: true }).waitFor();
    await page.getByRole("tab", { name: "History" }).click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("#/history");
    await page.getByTestId("status-chip").click();
    await expect.poll(() => page.evaluate(() => window.location.hash)).toBe("#/settings");
  });
});
