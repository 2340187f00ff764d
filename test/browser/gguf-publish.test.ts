// Issue 12's browser acceptance, standalone: search, open a GGUF repo, choose a variant other than the preselected
// one, one click; the request names the variant (and nothing else left out), and the report lists only that
// variant's GGUF file with the projector and the non-GGUF files, with `docker model pull` first under "Use it".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import { standinDocker } from "../harness/buildx-publish.js";
import { startUiRig, type UiRig } from "../harness/ui-rig.js";
import { signInThroughSettings } from "../harness/ui-sign-in.js";
import { screenshot } from "./screenshots.js";

const user = { username: "Publisher", password: "gguf-pa55" };

describe("publishing one GGUF variant with one click", () => {
  let r: UiRig;

  beforeAll(async () => {
    r = await startUiRig({ models: [ggufModel], registry: { users: [user] }, env: { DOCKER_BIN: standinDocker } });
  });
  afterAll(async () => {
    await r?.close();
  });

  it("chooses Q8_0 over the preselected Q4_K_M and publishes exactly its files", async () => {
    const { page } = r.browser;
    await signInThroughSettings(page, r.product.url, r.registry.host, user);

    await page.getByRole("tab", { name: "Publish" }).click();
    await page.getByRole("combobox", { name: "Search models" }).fill("gemma");
    await page.getByRole("option").filter({ hasText: ggufModelId }).click();
    await page.getByTestId("model-total-size").waitFor();

    // Preselected: Q4_K_M, its file ticked, the other variants' files not, the tag following it.
    const variants = page.getByRole("radiogroup", { name: "Quantization" });
    const radio = (name: string) => variants.getByRole("radio", { name: new RegExp(`^${name} `) });
    await expect.poll(() => radio("Q4_K_M").isChecked()).toBe(true);
    expect(await variants.getByRole("radio").count()).toBe(Object.keys(ggufModelVariants).length);
    const include = (path: string) => page.getByRole("checkbox", { name: `Include ${path}`, exact: true });
    expect(await include("gemma-tiny-it-Q4_K_M.gguf").isChecked()).toBe(true);
    expect(await include("gemma-tiny-it-Q8_0.gguf").isChecked()).toBe(false);
    expect(await include(ggufProjector).isChecked()).toBe(true);
    const reference = page.getByRole("textbox", { name: "Reference" });
    const repository = `${r.registry.host}/publisher/gemma-tiny-it-gguf`;
    await expect.poll(() => reference.inputValue()).toBe(`${repository}:q4_k_m`);

    await radio("Q8_0").check();
    await expect.poll(() => include("gemma-tiny-it-Q8_0.gguf").isChecked()).toBe(true);
    expect(await include("gemma-tiny-it-Q4_K_M.gguf").isChecked()).toBe(false);
    for (const shard of ggufModelVariants.BF16 ?? []) expect(await include(shard).isChecked()).toBe(false);
    // The Q8_0 file, the projector, README, LICENSE and config.json.
    expect(await page.getByTestId("model-file-count").textContent()).toBe(`5 of ${ggufModel.files.length}`);
    await expect.poll(() => reference.inputValue()).toBe(`${repository}:q8_0`);
    await screenshot(page, "gguf-variant-chosen");

    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse(await (await fetch(`${r.product.url}/jobs/${encodeURIComponent(id)}`)).json());
    // What the UI sent: the variant, and no exclude (the variant leaves the other variants out by itself).
    expect(job.request.quantization).toBe("Q8_0");
    expect(job.request.exclude).toBeUndefined();
    expect(job.request.reference).toBe(`${repository}:q8_0`);

    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    const layers = page.getByRole("table", { name: "Layers" });
    await layers.waitFor({ timeout: 20_000 });
    const paths = await layers.locator("tbody tr td:first-child").allTextContents();
    expect([...paths].sort()).toEqual(
      [...(ggufModelVariants.Q8_0 ?? []), ggufProjector, "README.md", "LICENSE", "config.json"].sort(),
    );
    // "Use it" leads with Docker Model Runner's pull of what was published (pinned to its digest).
    const commands = page.getByRole("region", { name: "Pull commands" }).locator("pre");
    await expect
      .poll(() => commands.first().textContent())
      .toMatch(/^docker model pull \S+\/publisher\/gemma-tiny-it-gguf@sha256:/);
    // Standalone, the host's docker is not the UI's to run.
    expect(await page.getByRole("button", { name: "Pull into Docker Model Runner" }).count()).toBe(0);
    await screenshot(page, "gguf-variant-published");
    expect(r.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });
});
