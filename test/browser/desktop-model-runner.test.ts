// "Run it" in Docker Desktop (UX.md › Additions): on a ModelPack result, a Pull into Docker Model Runner button runs
// `docker model pull <ref>` on the host through ddClient.docker.cli.exec, shown only when `docker model version`
// answers. In the Desktop rig the host's docker CLI is the stand-in, whose `docker model pull` reads the artifact
// from the registry as Docker Model Runner does (test/fixtures/docker-standin/model-runner.ts).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobResponse } from "@model-publisher/contract";
import { ggufModel, ggufModelId, ggufModelVariants, ggufProjector } from "../fixtures/gguf-model.js";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startDesktopRig, type DesktopRig } from "../harness/desktop-rig.js";
import { screenshot } from "./screenshots.js";

describe("Pull into Docker Model Runner, inside Docker Desktop", () => {
  let rig: DesktopRig;
  let dir: string;
  let standinLog: string;
  let jobId = "";
  let pinned = "";

  /** The argv of every `docker model …` the host's docker CLI ran. */
  const modelCalls = () =>
    readFileSync(standinLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { argv: string[] }).argv)
      .filter((argv) => argv[0] === "model");

  beforeAll(async () => {
    requireSkopeo();
    dir = mkdtempSync(join(tmpdir(), "mp-model-runner-"));
    standinLog = join(dir, "standin.log");
    rig = await startDesktopRig({ models: [ggufModel], hostDockerEnv: { STANDIN_LOG: standinLog } });
  });
  afterAll(async () => {
    delete process.env.STANDIN_NO_MODEL;
    await rig?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("publishes the preselected variant, then pulls it into Docker Model Runner on the host", async () => {
    const page = await rig.open("#/publish");
    await page.getByRole("combobox", { name: "Search models" }).fill("gemma");
    await page.getByRole("option").filter({ hasText: ggufModelId }).click();
    await page.getByTestId("model-total-size").waitFor();
    const variants = page.getByRole("radiogroup", { name: "Quantization" });
    await expect.poll(() => variants.getByRole("radio", { name: /^Q4_K_M / }).isChecked()).toBe(true);
    const typed = `localhost:${rig.registry.port}/acme/gemma-tiny-it-gguf:q4_k_m`;
    await page.getByRole("textbox", { name: "Reference" }).fill(typed);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });
    jobId = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse((await rig.call("GET", `/jobs/${encodeURIComponent(jobId)}`)).body);
    expect(job.request.quantization).toBe("Q4_K_M");
    const digest = job.result?.digest ?? "";
    pinned = `localhost:${rig.registry.port}/acme/gemma-tiny-it-gguf@${digest}`;

    const commands = page.getByRole("region", { name: "Pull commands" });
    await commands.getByText(`docker model pull ${pinned}`, { exact: true }).waitFor({ timeout: 20_000 });
    const button = commands.getByRole("button", { name: "Pull into Docker Model Runner" });
    await button.click();
    await page.getByTestId("model-runner-pulled").waitFor({ timeout: 30_000 });
    await screenshot(page, "desktop-model-runner-pulled");

    // The host's docker CLI ran exactly `docker model version`, then `docker model pull <the pinned reference>`.
    expect(modelCalls()).toEqual([
      ["model", "version"],
      ["model", "pull", pinned],
    ]);
    expect(rig.desktop.execs.filter((e) => e.cmd === "model").map((e) => [e.via, e.args, e.code])).toEqual([
      ["docker", ["version"], 0],
      ["docker", ["pull", pinned], 0],
    ]);
    expect(rig.desktop.toasts).toContainEqual({ kind: "success", message: expect.stringContaining(pinned) });
    // What Docker Model Runner now holds: this digest, llama.cpp started on the chosen variant with the projector.
    const stored = JSON.parse(
      readFileSync(join(rig.engineEnv.STANDIN_STATE_DIR ?? "", "standin-models.json"), "utf8"),
    ) as Array<Record<string, unknown>>;
    expect(stored.at(-1)).toMatchObject({
      reference: pinned,
      digest,
      ggufFile: ggufModelVariants.Q4_K_M?.[0],
      mmprojPath: ggufProjector,
    });

    // The check is asked once per page: away and back, the button is there without another `docker model version`.
    await page.getByRole("tab", { name: "History" }).click();
    await page.goBack();
    await commands.getByRole("button", { name: "Pull into Docker Model Runner" }).waitFor({ timeout: 20_000 });
    expect(modelCalls().filter((argv) => argv[1] === "version")).toHaveLength(1);
    expect(rig.browser.errors.filter((e) => e.startsWith("pageerror"))).toEqual([]);
  });

  it("shows the last line the pull printed when Docker Model Runner refuses", async () => {
    // DMR speaks plain HTTP to localhost and *.local only: at 127.0.0.1 it tries TLS, and the pull fails.
    const numeric = `127.0.0.1:${rig.registry.port}/acme/gemma-tiny-it-gguf:q4_k_m`;
    const page = await rig.open(`#/inspect?ref=${encodeURIComponent(numeric)}`);
    const commands = page.getByRole("region", { name: "Pull commands" });
    await commands.getByText(`docker model pull ${numeric}`, { exact: true }).waitFor({ timeout: 20_000 });
    await commands.getByRole("button", { name: "Pull into Docker Model Runner" }).click();
    const failure = page.getByTestId("model-runner-failure");
    await failure.waitFor({ timeout: 30_000 });
    const pull = rig.desktop.execs.filter((e) => e.cmd === "model" && e.args[0] === "pull").at(-1);
    expect(pull).toMatchObject({ args: ["pull", numeric], code: 1 });
    expect(await failure.textContent()).toContain(
      `Failed to pull model: pulling ${numeric} failed with status 500 Internal Server Error:`,
    );
    expect(await failure.textContent()).toContain(`Get "https://127.0.0.1:${rig.registry.port}/v2/`);
    await screenshot(page, "desktop-model-runner-failed");
  });

  it("warns instead of offering the pull when the artifact holds every variant of the GGUF repo", async () => {
    const reference = `localhost:${rig.registry.port}/acme/gemma-tiny-it-gguf:all`;
    const started = await rig.call("POST", "/publish", {
      source: `huggingface://${ggufModelId}`,
      reference,
      mode: "native",
    });
    expect(started.status).toBe(202);
    const { job } = JobResponse.parse(started.body);
    await expect
      .poll(
        async () => JobResponse.parse((await rig.call("GET", `/jobs/${encodeURIComponent(job.id)}`)).body).job.state,
        { timeout: 60_000 },
      )
      .toBe("succeeded");
    const before = rig.desktop.execs.filter((e) => e.cmd === "model" && e.args[0] === "pull").length;
    const page = await rig.open(`#/inspect?ref=${encodeURIComponent(reference)}`);
    const commands = page.getByRole("region", { name: "Pull commands" });
    await commands.getByText(`docker model pull ${reference}`, { exact: true }).waitFor({ timeout: 20_000 });
    const misfit = commands.getByTestId("model-runner-misfit");
    await misfit.waitFor();
    expect(await misfit.textContent()).toMatch(/loads one GGUF weight set and this artifact holds several/);
    expect(await commands.getByRole("button", { name: "Pull into Docker Model Runner" }).count()).toBe(0);
    expect(rig.desktop.execs.filter((e) => e.cmd === "model" && e.args[0] === "pull")).toHaveLength(before);
  });

  it("hides the button when the host's docker has no `model` command", async () => {
    process.env.STANDIN_NO_MODEL = "1";
    try {
      const before = rig.desktop.execs.length;
      // A fresh page load: the answer is cached per page, and a hash change alone keeps the page.
      await rig.browser.page.goto("about:blank");
      const page = await rig.open(`#/jobs/${encodeURIComponent(jobId)}`);
      const commands = page.getByRole("region", { name: "Pull commands" });
      await commands.getByText(`docker model pull ${pinned}`, { exact: true }).waitFor({ timeout: 20_000 });
      // The reloaded page asked again, and the answer was no.
      await expect
        .poll(() =>
          rig.desktop.execs
            .slice(before)
            .filter((e) => e.cmd === "model")
            .map((e) => [e.args, e.code]),
        )
        .toEqual([[["version"], 1]]);
      // The UI has the answer once it says so; then, and only then, no button may be there.
      await page.getByTestId("model-runner-absent").waitFor({ timeout: 20_000 });
      expect(await page.getByRole("button", { name: "Pull into Docker Model Runner" }).count()).toBe(0);
    } finally {
      delete process.env.STANDIN_NO_MODEL;
    }
  });
});
