// Inside Docker Desktop the builders the user made on their machine live in the host's buildx store, invisible to the
// backend, but their BuildKit containers (`buildx_buildkit_<builder>0`) run on the engine the backend shares. In the
// Desktop rig such containers (the docker stand-in's engine) show in the publish form's builder picker as the
// engine's, one running the passthrough image is chosen for a direct push, and an export publish through a stock one
// attaches it with buildx's remote driver and pushes what the report shows.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BuildersResponse, JobResponse } from "@model-publisher/contract";
import { passthroughBuildkitImage, requireSkopeo, skopeoRawDigest } from "../harness/buildx-publish.js";
import { startDesktopRig, type DesktopRig } from "../harness/desktop-rig.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";

const model = tinyModel({
  id: "Acme/Tiny-LLM",
  downloads: 5,
  pipelineTag: "text-generation",
  weights: 64 * KiB,
  configFile: '{"model_type":"llama"}',
});

const stockImage = "moby/buildkit:buildx-stable-1";

describe("Inside Docker Desktop: the user's own builder containers", () => {
  let rig: DesktopRig;

  beforeAll(async () => {
    requireSkopeo();
    rig = await startDesktopRig({ models: [model] });
    // The engine both the host's docker CLI and the backend see runs two builders the user created on the host.
    writeFileSync(
      join(rig.engineEnv.STANDIN_STATE_DIR as string, "standin-containers.json"),
      JSON.stringify([
        { name: "buildx_buildkit_hoststock0", image: stockImage, state: "running" },
        { name: "buildx_buildkit_hostpass0", image: passthroughBuildkitImage, state: "running" },
      ]),
    );
    const ps = await rig.hostDocker(["ps", "--filter", "name=buildx_buildkit_", "--format", "{{.Names}}"]);
    expect(ps.stdout.split("\n").filter(Boolean).sort()).toEqual([
      "buildx_buildkit_hostpass0",
      "buildx_buildkit_hoststock0",
    ]);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it("shows them in the builder picker as the engine's; the passthrough one gets direct mode", async () => {
    const { builders } = BuildersResponse.parse((await rig.call("GET", "/builders")).body);
    expect(builders.filter((b) => b.origin === "engine").map((b) => [b.name, b.passthrough])).toEqual([
      ["hostpass", true],
      ["hoststock", false],
    ]);
    const page = await rig.open("#/publish");
    await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
    await page.getByRole("option").filter({ hasText: model.id }).click();
    await page.getByTestId("model-total-size").waitFor();
    // The engine's passthrough builder is the one a build would use, so the mode rule picks direct.
    const picker = page.getByRole("combobox", { name: "Builder" });
    await expect.poll(() => picker.textContent()).toBe("hostpass · running · passthrough · on your Docker engine");
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("direct mode");
    expect(await page.getByTestId("mode-reason").textContent()).toContain("Builder hostpass runs the passthrough");
    await picker.click();
    const options = page.getByRole("listbox").getByRole("option");
    await expect
      .poll(() => options.allTextContents())
      .toEqual(
        expect.arrayContaining([
          "hostpass · running · passthrough · on your Docker engine",
          "hoststock · running · on your Docker engine",
        ]),
      );
    await page.keyboard.press("Escape");
  });

  it("publishes in export mode through the stock engine builder: attached once, the registry holds what the report shows", async () => {
    const typed = `localhost:${rig.registry.port}/acme/tiny-llm:engine-export`;
    const page = await rig.open("#/publish");
    await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
    await page.getByRole("option").filter({ hasText: model.id }).click();
    await page.getByTestId("model-total-size").waitFor();
    await page.getByRole("textbox", { name: "Reference" }).fill(typed);
    await page.getByRole("combobox", { name: "Builder" }).click();
    await page
      .getByRole("listbox")
      .getByRole("option", { name: /^hoststock · / })
      .click();
    // A stock builder cannot push the layout itself: native is recommended, the user picks export.
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("native mode");
    await page.getByRole("radio", { name: /^Export/ }).check();
    await expect.poll(() => page.getByTestId("publish-mode").textContent()).toBe("export mode");
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });

    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const { job } = JobResponse.parse((await rig.call("GET", `/jobs/${encodeURIComponent(id)}`)).body);
    expect(job).toMatchObject({
      state: "succeeded",
      mode: "export",
      request: { reference: typed, builder: "hoststock" },
    });
    const digest = job.result?.digest ?? "";
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await page.getByRole("region", { name: "Manifest" }).getByTestId("manifest-digest").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("manifest-digest").textContent()).toBe(digest);
    const inRegistry = skopeoRawDigest(typed);
    expect(inRegistry.digest).toBe(digest);
    expect(inRegistry.manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");

    // The backend attached the user's builder through buildx's remote driver, then built on it.
    const calls = rig.backend.dockerCallsBesidesHealth();
    const attach = "buildx create --name hoststock --driver remote docker-container://buildx_buildkit_hoststock0";
    expect(calls.filter((c) => c.startsWith("buildx create"))).toEqual([attach]);
    const builds = calls.filter((c) => c.startsWith("buildx build"));
    expect(builds).toHaveLength(1);
    expect(builds[0]).toContain("--builder hoststock");
    expect(calls.indexOf(attach)).toBeLessThan(calls.indexOf(builds[0] as string));
  });
});
