import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeModelpackLayout, type WrittenLayout } from "../fixtures/modelpack-layout.js";
import { launchChromium, type RunningChromium } from "../harness/chromium.js";
import { startProduct, type RunningProduct } from "../harness/product.js";
import { startRegistry, type RunningRegistry } from "../harness/registry.js";
import { screenshot } from "./screenshots.js";

const skopeo = "/usr/bin/skopeo";

function pushLayout(layout: WrittenLayout, reference: string): void {
  if (!existsSync(skopeo)) throw new Error(`skopeo is missing at ${skopeo}: install the Debian package "skopeo".`);
  const result = spawnSync(
    skopeo,
    [
      "--insecure-policy",
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${layout.dir}`,
      `docker://${reference}`,
    ],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`skopeo copy failed: ${result.stderr}`);
}

describe("Inspect and Compare views (issue 4, acceptance 5)", () => {
  let registry: RunningRegistry;
  let product: RunningProduct;
  let browser: RunningChromium;
  let work: string;
  let first: WrittenLayout;
  let ref1: string;
  let ref2: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "mp-inspect-"));
    registry = await startRegistry();
    const files = [
      { path: "config.json", content: '{"model_type":"llama"}' },
      { path: "model.safetensors", size: 256 * 1024 },
      { path: "README.md", content: "# tiny" },
    ];
    first = await writeModelpackLayout(join(work, "one"), files, { name: "tiny" });
    const second = await writeModelpackLayout(join(work, "two"), files, {
      name: "tiny",
      manifestAnnotations: { "org.opencontainers.image.description": "second push" },
    });
    ref1 = `${registry.host}/acme/tiny:v1`;
    ref2 = `${registry.host}/acme/tiny:v2`;
    pushLayout(first, ref1);
    pushLayout(second, ref2);
    product = await startProduct();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("shows the manifest report of a pushed reference", async () => {
    const { page } = browser;
    await page.goto(`${product.url}/#/inspect`);
    await page.getByRole("textbox", { name: "Reference", exact: true }).fill(ref1);
    await page.getByRole("button", { name: "Inspect" }).click();
    await expect
      .poll(() => page.evaluate(() => decodeURIComponent(window.location.hash)))
      .toBe(`#/inspect?ref=${ref1}`);

    await page.getByTestId("manifest-digest").getByText(first.manifestDigest).waitFor();
    await page
      .getByRole("region", { name: "Manifest" })
      .getByText("application/vnd.cncf.model.config.v1+json", { exact: true })
      .waitFor();
    // Away to Settings and back: the Inspect tab shows the same reference again.
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("tab", { name: "Inspect" }).click();
    await expect
      .poll(() => page.evaluate(() => decodeURIComponent(window.location.hash)))
      .toBe(`#/inspect?ref=${ref1}`);
    const table = page.getByRole("table", { name: "Layers" });
    for (const layer of first.layers) await table.getByText(layer.path, { exact: true }).waitFor();
    expect(await table.getByRole("row").count()).toBe(first.layers.length + 1);
    await page.getByRole("button", { name: "Copy digest" }).waitFor();
    await page.getByRole("button", { name: "Copy oras command" }).waitFor();
    await page.getByRole("button", { name: "Copy skopeo command" }).waitFor();
    expect(await page.getByLabel("raw manifest", { exact: true }).textContent()).toContain(first.layers[0]!.digest);
    await screenshot(page, "inspect-manifest");
  });

  it("compares two pushes that differ in one annotation", async () => {
    const { page } = browser;
    await page.getByRole("textbox", { name: "Other reference" }).fill(ref2);
    await page.getByRole("button", { name: "Compare" }).click();
    await page.getByTestId("compare-different").waitFor();
    const rows = page.getByTestId("compare-row");
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    expect(await rows.allTextContents()).toContainEqual(expect.stringContaining("second push"));
    await screenshot(page, "inspect-compare");

    await page.goto(`${product.url}/#/inspect?ref=${encodeURIComponent(ref1)}&compare=${encodeURIComponent(ref1)}`);
    await page.getByTestId("compare-identical").waitFor();
    expect(browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
