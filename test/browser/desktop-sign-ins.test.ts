// Inside Docker Desktop the user is signed in on their machine (Desktop's keychain, here a docker-credential-desktop
// stand-in behind a host DOCKER_CONFIG), never in the extension's backend. The shipped linux host helper, started
// through ddClient's `extension.host.cli.exec`, lets Settings list that sign-in, the reference be suggested from it,
// and the first publish hand its credential to `POST /registries/login` (and nowhere else) before `POST /publish`.
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JobEventsResponse, JobResponse, SettingsResponse } from "@model-publisher/contract";
import { requireSkopeo } from "../harness/buildx-publish.js";
import { startDesktopRig, type DesktopRig } from "../harness/desktop-rig.js";
import { freePort, startRegistry, type RunningRegistry } from "../harness/registry.js";
import { hostHelperRig, shippedHostHelper, type HostHelperRig } from "../extension/host-helper-rig.js";
import { KiB, tinyModel } from "../fixtures/tiny-model.js";

const model = tinyModel({
  id: "Acme/Tiny-LLM",
  downloads: 5,
  pipelineTag: "text-generation",
  weights: 128 * KiB,
  configFile: '{"model_type":"llama"}',
});

const user = { username: "alice", password: `host-only-${randomBytes(12).toString("hex")}` };
const b64 = (text: string) => Buffer.from(text).toString("base64");

/** `skopeo inspect --raw` with a sign-in from an auth file (never a password in argv); the manifest's digest. */
function skopeoDigest(reference: string, authFile?: string): { code: number | null; digest?: string } {
  const args = ["inspect", "--raw", "--tls-verify=false", ...(authFile ? ["--authfile", authFile] : [])];
  const result = spawnSync("skopeo", [...args, `docker://${reference}`]);
  if (result.status !== 0) return { code: result.status };
  return { code: 0, digest: `sha256:${createHash("sha256").update(result.stdout).digest("hex")}` };
}

describe("Inside Docker Desktop: signed in on the user's machine only", () => {
  let rig: DesktopRig;
  let host: HostHelperRig;
  let hostConfigDir: string;
  let work: string;
  let port: number;
  let registry: string;

  beforeAll(async () => {
    requireSkopeo();
    work = mkdtempSync(join(tmpdir(), "mp-desktop-sign-ins-"));
    port = await freePort();
    registry = `localhost:${port}`;
    // Desktop's keychain holds the sign-in; the config only names the store, as Docker Desktop writes it.
    host = hostHelperRig({ desktop: { [registry]: { username: user.username, secret: user.password } } });
    hostConfigDir = host.dockerConfig({ auths: { [registry]: {} }, credsStore: "desktop" });
    const backendConfig = join(work, "backend-docker");
    mkdirSync(backendConfig);
    rig = await startDesktopRig({
      models: [model],
      registry: { users: [user], port },
      // The backend's own Docker config is empty: it sees none of the host's sign-ins.
      backendEnv: { DOCKER_CONFIG: backendConfig },
      hostBinaries: {
        dir: dirname(shippedHostHelper("linux")),
        env: {
          DOCKER_CONFIG: hostConfigDir,
          HOME: join(work, "home-without-config"),
          PATH: `${host.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        },
      },
    });
  });
  afterAll(async () => {
    await rig?.close();
    host?.remove();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("lists the host's sign-in in Settings beside the extension's own, by user name only", async () => {
    const { registries } = SettingsResponse.parse((await rig.call("GET", "/settings")).body);
    expect(registries).toEqual([]);
    const page = await rig.open("#/settings");
    const onHost = page.getByRole("region", { name: "Sign-ins on this computer" });
    await onHost.getByText(registry, { exact: true }).waitFor();
    await onHost.getByText(`as ${user.username} · on this computer`, { exact: true }).waitFor();
    expect(await page.content()).not.toContain(user.password);
    expect(rig.desktop.execs).toContainEqual({
      via: "host",
      cmd: "model-publisher-credentials",
      args: ["list"],
      code: 0,
    });
    expect(rig.desktop.execs.filter((e) => e.args[0] === "get")).toEqual([]);
  });

  it("suggests the reference from that sign-in and publishes with one click, handing the credential over once", async () => {
    const suggested = `${registry}/${user.username}/tiny-llm:latest`;
    const page = await rig.open("#/publish");
    await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
    await page.getByRole("option").filter({ hasText: model.id }).click();
    await page.getByTestId("model-total-size").waitFor();
    const reference = page.getByRole("textbox", { name: "Reference" });
    await expect.poll(() => reference.inputValue()).toBe(suggested);
    await page.getByRole("button", { name: "Publish" }).click();
    await page.waitForURL(/#\/jobs\//);
    await page.getByTestId("job-state").getByText("Published").waitFor({ timeout: 60_000 });

    const id = decodeURIComponent(new URL(page.url()).hash.replace("#/jobs/", ""));
    const jobAnswer = await rig.call("GET", `/jobs/${encodeURIComponent(id)}`);
    const { job } = JobResponse.parse(jobAnswer.body);
    expect(job).toMatchObject({ state: "succeeded", request: { reference: suggested } });
    const digest = job.result?.digest ?? "";
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    await page.getByText(`Published ${suggested}`, { exact: true }).waitFor();

    // The registry needs the sign-in: anonymous skopeo is refused, skopeo with it reads what the report shows.
    expect(skopeoDigest(suggested).code).not.toBe(0);
    const authFile = join(work, "auth.json");
    writeFileSync(
      authFile,
      JSON.stringify({ auths: { [registry]: { auth: b64(`${user.username}:${user.password}`) } } }),
    );
    expect(skopeoDigest(suggested, authFile).digest).toBe(digest);
    await page.getByRole("region", { name: "Manifest" }).getByTestId("manifest-digest").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("manifest-digest").textContent()).toBe(digest);

    // The one credential came from the host helper once, went to POST /registries/login right before POST /publish.
    expect(rig.desktop.execs.filter((e) => e.args[0] === "get")).toEqual([
      { via: "host", cmd: "model-publisher-credentials", args: ["get", registry], code: 0 },
    ]);
    const calls = rig.desktop.serviceCalls.map((c) => `${c.method} ${c.url} ${c.status}`);
    const login = calls.indexOf("POST /registries/login 204");
    expect(login).toBeGreaterThanOrEqual(0);
    expect(calls.slice(login + 1).find((c) => c.startsWith("POST "))).toBe("POST /publish 202");
    const withPassword = rig.desktop.serviceCalls.filter((c) => JSON.stringify(c).includes(user.password));
    expect(withPassword).toEqual([
      {
        method: "POST",
        url: "/registries/login",
        status: 204,
        body: { host: registry, username: user.username, password: user.password },
      },
    ]);

    // Never shown, logged, recorded, put in the URL or stored by the page.
    expect(await page.content()).not.toContain(user.password);
    expect(page.url()).not.toContain(user.password);
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
    expect(storage).not.toContain(user.password);
    expect(JSON.stringify(jobAnswer.body)).not.toContain(user.password);
    const events = await rig.call("GET", `/jobs/${encodeURIComponent(id)}/events?after=0&limit=1000`);
    expect(JobEventsResponse.parse(events.body).events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events.body)).not.toContain(user.password);
    expect(rig.backend.output()).not.toContain(user.password);
    expect(JSON.stringify(rig.desktop.toasts)).not.toContain(user.password);
    expect(JSON.stringify(rig.desktop.execs)).not.toContain(user.password);

    // The backend holds the sign-in now: the next publish asks the host for nothing.
    const { registries } = SettingsResponse.parse((await rig.call("GET", "/settings")).body);
    expect(registries).toEqual([{ host: registry, username: user.username }]);
    await rig.open("#/settings");
    await page.getByRole("list", { name: "The extension's sign-ins" }).getByText(registry, { exact: true }).waitFor();
    expect(await page.content()).not.toContain(user.password);
  });

  it("shows the registry's refusal of a host credential and does not publish", async () => {
    let second: RunningRegistry | undefined;
    try {
      second = await startRegistry({ users: [{ username: "bob", password: "the-right-one" }] });
      await rig.link.expose([second.port]);
      const secondHost = `localhost:${second.port}`;
      // The host's config also signs bob in there inline, with a password the registry does not take.
      writeFileSync(
        join(hostConfigDir, "config.json"),
        JSON.stringify({
          auths: { [registry]: {}, [secondHost]: { auth: b64("bob:not-the-right-one") } },
          credsStore: "desktop",
        }),
      );
      // A fresh load of the app reads the host's sign-ins again (as Desktop reopening the tab does).
      const page = await rig.open("#/settings");
      await page.reload();
      await page.getByRole("region", { name: "Sign-ins on this computer" }).getByText(secondHost).waitFor();
      await rig.open("#/publish");
      await page.getByRole("combobox", { name: "Search models" }).fill("tiny");
      await page.getByRole("option").filter({ hasText: model.id }).click();
      await page.getByTestId("model-total-size").waitFor();
      const typed = `${secondHost}/bob/tiny-llm:latest`;
      await page.getByRole("textbox", { name: "Reference" }).fill(typed);
      const before = rig.desktop.serviceCalls.length;
      await page.getByRole("button", { name: "Publish" }).click();
      const alert = page.getByRole("alert").filter({ hasText: "The job could not start" });
      await alert.getByText(`The registry ${secondHost} refused these credentials.`).waitFor();
      const after = rig.desktop.serviceCalls.slice(before).map((c) => `${c.method} ${c.url} ${c.status}`);
      expect(after).toContain("POST /registries/login 401");
      expect(after.filter((c) => c.startsWith("POST /publish"))).toEqual([]);
      expect(page.url()).toMatch(/#\/publish/);
      expect(await page.content()).not.toContain("not-the-right-one");
    } finally {
      await second?.stop();
    }
  });
});
