// The Marketplace listing's screenshots (the Dockerfile's `com.docker.extension.screenshots`), taken from the real UI
// after real publishes, light and dark, at the size Docker asks for. Running this file refreshes docs/screenshots/.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { KiB, MiB, tinyModel } from "../fixtures/tiny-model.js";
import { standinDocker } from "../harness/buildx-publish.js";
import type { Page } from "../harness/chromium.js";
import { preferredPort } from "../harness/registry.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { finalStageLabels, imageFacts, listingImages, screenshotSize } from "../extension/extension-package.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const listingScreenshotDir = join(root, "docs/screenshots");

/** 1200x800 CSS pixels at 2 device pixels each: Docker's 2400x1600, with the UI at the size people see it. */
const deviceScaleFactor = 2;
const viewport = { width: screenshotSize.width / deviceScaleFactor, height: screenshotSize.height / deviceScaleFactor };

/** The port the reference suggested for a model points at, so the picture shows the product's own default. */
const defaultRegistryPort = 5000;

const schemes = ["light", "dark"] as const;

/** Relative luminance of a CSS `rgb(...)` colour, 0..255. */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/\d+/g) ?? []).map(Number);
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** The page in one scheme, once its background has followed; the background's luminance. */
async function useScheme(page: Page, scheme: (typeof schemes)[number]): Promise<number> {
  await page.emulateMedia({ colorScheme: scheme });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor).then(luminance);
  await expect.poll(background).toSatisfy((value: number) => (scheme === "dark" ? value < 64 : value > 192));
  return background();
}

/** No error or warning notice on the page (MUI gives every Alert role="alert" and its colour as a class). */
async function expectNoProblems(page: Page): Promise<void> {
  const alerts = await page.getByRole("alert").evaluateAll((nodes) => nodes.map((node) => node.className));
  expect(alerts.filter((name) => /colorError|colorWarning/.test(name))).toEqual([]);
}

/** Waits out the standalone stand-in for Desktop's toasts (Desktop shows its own, outside the extension's view). */
async function waitForToasts(page: Page): Promise<void> {
  // A hovered snackbar keeps itself open.
  await page.mouse.move(0, 0);
  await expect.poll(() => page.locator(".MuiSnackbar-root").count(), { timeout: 20_000 }).toBe(0);
}

/** Repo paths of the screenshots written so far. */
const written: string[] = [];

/** `docs/screenshots/<name>-light.png` and `-dark.png` of the viewport, each checked to be 2400x1600. */
async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(listingScreenshotDir, { recursive: true });
  await waitForToasts(page);
  await expectNoProblems(page);
  const backgrounds: number[] = [];
  for (const scheme of schemes) {
    backgrounds.push(await useScheme(page, scheme));
    const path = join(listingScreenshotDir, `${name}-${scheme}.png`);
    await page.screenshot({ path, animations: "disabled", caret: "hide" });
    const facts = imageFacts(readFileSync(path));
    expect(facts, path).toEqual({ kind: "png", width: screenshotSize.width, height: screenshotSize.height });
    written.push(`docs/screenshots/${name}-${scheme}.png`);
  }
  expect(backgrounds[1]).toBeLessThan(backgrounds[0] as number);
  await useScheme(page, "light");
}

/** The product's Hub token, granted on every model, so the header reads Ready as it does once a user adds theirs. */
const hubToken = "hf_MarketplaceScreenshots0000000000";

/** A small chat model laid out as transformers repos are, with the card facts the Hub gives. */
const chatModel = tinyModel({
  id: "acme/tiny-llm",
  downloads: 18_204,
  likes: 312,
  pipelineTag: "text-generation",
  libraryName: "transformers",
  tags: ["transformers", "safetensors", "llama", "text-generation", "license:apache-2.0"],
  safetensors: { parameters: { BF16: 2_621_440 }, total: 2_621_440 },
  weights: 5 * MiB,
  grantedTokens: [hubToken],
  extraFiles: [
    { path: "generation_config.json", content: '{"bos_token_id":1,"eos_token_id":2,"max_new_tokens":256}' },
    { path: "tokenizer.json", size: 96 * KiB, lfs: false },
    { path: "tokenizer_config.json", content: '{"model_max_length":4096,"bos_token":"<s>","eos_token":"</s>"}' },
    { path: "LICENSE", content: "Apache License, Version 2.0 (test copy)\n" },
  ],
});

/** Two more models, published first, so the History has a few rows. */
const otherModels = [
  tinyModel({
    id: "acme/tiny-embed",
    downloads: 4_096,
    likes: 57,
    pipelineTag: "feature-extraction",
    libraryName: "sentence-transformers",
    tags: ["sentence-transformers", "safetensors", "bert", "feature-extraction", "license:mit"],
    safetensors: { parameters: { F32: 393_216 }, total: 393_216 },
    weights: (3 * MiB) / 2,
    grantedTokens: [hubToken],
    extraFiles: [{ path: "modules.json", content: '[{"idx":0,"name":"0","path":"","type":"Transformer"}]' }],
  }),
  tinyModel({
    id: "acme/tiny-coder",
    downloads: 9_731,
    likes: 140,
    pipelineTag: "text-generation",
    libraryName: "transformers",
    tags: ["transformers", "safetensors", "qwen2", "code", "license:apache-2.0"],
    safetensors: { parameters: { BF16: 1_572_864 }, total: 1_572_864 },
    weights: 3 * MiB,
    grantedTokens: [hubToken],
    extraFiles: [{ path: "tokenizer.json", size: 64 * KiB, lfs: false }],
  }),
];

describe("the Marketplace listing's screenshots", () => {
  let r: UiRig;
  let registry: string;

  beforeAll(async () => {
    const port = await preferredPort(defaultRegistryPort);
    r = await startUiRig({
      models: [chatModel, ...otherModels],
      registry: { port },
      env: { DOCKER_BIN: standinDocker, HF_TOKEN: hubToken },
      browser: { viewport, deviceScaleFactor },
    });
    registry = `localhost:${port}`;
  });
  afterAll(async () => {
    await r?.close();
  });

  /** Opens a model on the Publish tab with its suggested defaults; the reference points at the test registry. */
  async function pickModel(id: string, search: string): Promise<string> {
    const { page } = r.browser;
    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByRole("combobox", { name: "Search models" }).fill(search);
    await page.getByRole("option").filter({ hasText: id }).click();
    await page.getByTestId("model-total-size").waitFor();
    const reference = page.getByRole("textbox", { name: "Reference" });
    const suggested = `${registry}/${id}:latest`;
    if (!registry.endsWith(`:${defaultRegistryPort}`)) await reference.fill(suggested);
    await expect.poll(() => reference.inputValue()).toBe(suggested);
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    await expect.poll(() => page.getByRole("button", { name: "Publish" }).isEnabled()).toBe(true);
    return suggested;
  }

  /** Publishes what the form holds and waits for the job page to show the manifest read back from the registry. */
  async function publishAndWait(reference: string): Promise<void> {
    const { page } = r.browser;
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${id}`)).json());
    expect(job.state).toBe("succeeded");
    expect(job.request.reference).toBe(reference);
    await page
      .getByTestId("manifest-digest")
      .getByText(job.result?.digest ?? "-")
      .waitFor({ timeout: 20_000 });
  }

  it("publishes three models and shows the Publish tab, a finished job, its manifest and the History", async () => {
    const { page } = r.browser;
    await page.goto(`${r.product.url}/#/publish`);
    for (const model of otherModels) await publishAndWait(await pickModel(model.id, model.id.split("/")[1] as string));

    const chat = await pickModel(chatModel.id, "tiny");
    await shoot(page, "publish");

    await publishAndWait(chat);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shoot(page, "job");

    await page.getByRole("tab", { name: "Inspect" }).click();
    await page.getByRole("textbox", { name: "Reference", exact: true }).fill(chat);
    await page.getByRole("button", { name: "Inspect" }).click();
    await page.getByRole("table", { name: "Layers" }).getByText("model.safetensors", { exact: true }).waitFor();
    await shoot(page, "manifest");

    await page.getByRole("tab", { name: "History" }).click();
    await expect.poll(() => page.getByTestId("history-row").count()).toBe(3);
    await page.getByTestId("history-row").first().getByText(chat).waitFor();
    await shoot(page, "history");
    expect(r.browser.errors).toEqual([]);

    // The listing shows exactly these, light ones first.
    const labels = finalStageLabels(readFileSync(join(root, "Dockerfile"), "utf8"));
    const listed = listingImages(labels).filter((image) => image.screenshot);
    const light = written.filter((path) => path.endsWith("-light.png"));
    const dark = written.filter((path) => path.endsWith("-dark.png"));
    expect(listed.map((image) => image.path)).toEqual([...light, ...dark]);
  });
});
