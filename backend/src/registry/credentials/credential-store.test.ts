import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CredentialStore } from "./credential-store.js";
import { findAuthEntry, helperFor, loginKey } from "./docker-config.js";

const work = mkdtempSync(join(tmpdir(), "credential-store-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const b64 = (text: string) => Buffer.from(text).toString("base64");
let stores = 0;

/** A store with its own file and a user docker config (written when given), no helpers on PATH unless added. */
function store(dockerConfig?: unknown, path = "/usr/bin:/bin"): { store: CredentialStore; own: string } {
  const dir = join(work, `store-${++stores}`);
  mkdirSync(join(dir, "docker"), { recursive: true });
  if (dockerConfig !== undefined) writeFileSync(join(dir, "docker", "config.json"), JSON.stringify(dockerConfig));
  const own = join(dir, "own", "config.json");
  const env = { DOCKER_CONFIG: join(dir, "docker"), HOME: dir, PATH: path };
  return { store: new CredentialStore({ ownConfigPath: own, env }), own };
}

const hubNames = ["docker.io", "index.docker.io", "registry-1.docker.io"];

describe("Docker Hub by any of its names is one registry", () => {
  it.each(hubNames.flatMap((saved) => hubNames.map((asked) => [saved, asked])))(
    "a login saved for %s is found for %s and listed once, as docker.io",
    async (saved, asked) => {
      const { store: credentials } = store();
      await credentials.saveOwn(saved, "hubuser", "hub-pa55");
      expect(await credentials.get(asked)).toEqual({ username: "hubuser", password: "hub-pa55" });
      expect(await credentials.list()).toEqual([{ host: "docker.io", username: "hubuser" }]);
    },
  );

  it("keeps one entry per registry: a new login under another name replaces the old one", async () => {
    const { store: credentials, own } = store();
    await credentials.saveOwn("docker.io", "first", "one");
    await credentials.saveOwn("index.docker.io", "second", "two");
    const written = JSON.parse(readFileSync(own, "utf8")) as { auths: Record<string, unknown> };
    expect(Object.keys(written.auths)).toEqual(["https://index.docker.io/v1/"]);
    expect(await credentials.get("registry-1.docker.io")).toEqual({ username: "second", password: "two" });
  });

  it("finds the user's docker config entry under any key that names the registry, listing each registry once", async () => {
    const { store: credentials } = store({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hubuser:hub-secret") },
        "index.docker.io": { auth: b64("stale:old") },
        "https://GHCR.io/v2/": { auth: b64("octo:ghcr-secret") },
      },
    });
    expect(await credentials.get("docker.io")).toEqual({ username: "hubuser", password: "hub-secret" });
    expect(await credentials.get("ghcr.io")).toEqual({ username: "octo", password: "ghcr-secret" });
    expect(await credentials.list()).toEqual([
      { host: "docker.io", username: "hubuser" },
      { host: "ghcr.io", username: "octo" },
    ]);
  });

  it("the extension's own login wins over the user's config for the same registry under another name", async () => {
    const { store: credentials } = store({ auths: { "https://index.docker.io/v1/": { auth: b64("theirs:x") } } });
    await credentials.saveOwn("docker.io", "ours", "y");
    expect(await credentials.get("index.docker.io")).toEqual({ username: "ours", password: "y" });
    expect(await credentials.list()).toEqual([{ host: "docker.io", username: "ours" }]);
  });

  it("asks a credential store under the server URL it lists for the registry", async () => {
    const bin = join(work, "helper-bin");
    mkdirSync(bin, { recursive: true });
    const script = [
      "#!/bin/sh",
      'if [ "$1" = list ]; then printf \'{"https://ghcr.io":"octo","https://index.docker.io/v1/":"hubuser"}\'; exit 0; fi',
      "read -r server",
      'case "$server" in',
      '  https://ghcr.io) printf \'{"ServerURL":"%s","Username":"octo","Secret":"ghcr-secret"}\' "$server" ;;',
      '  https://index.docker.io/v1/) printf \'{"ServerURL":"%s","Username":"hubuser","Secret":"hub-secret"}\' "$server" ;;',
      '  *) echo "credentials not found in native keychain"; exit 1 ;;',
      "esac",
      "",
    ].join("\n");
    writeFileSync(join(bin, "docker-credential-unit"), script);
    chmodSync(join(bin, "docker-credential-unit"), 0o755);
    const { store: credentials } = store({ credsStore: "unit" }, `${bin}:/usr/bin:/bin`);
    expect(await credentials.get("ghcr.io")).toEqual({ username: "octo", password: "ghcr-secret" });
    for (const name of hubNames) {
      expect(await credentials.get(name)).toEqual({ username: "hubuser", password: "hub-secret" });
    }
    expect(await credentials.list()).toEqual([
      { host: "ghcr.io", username: "octo" },
      { host: "docker.io", username: "hubuser" },
    ]);
  });
});

describe("docker config look-ups", () => {
  it.each([
    ["docker.io", "https://index.docker.io/v1/"],
    ["index.docker.io", "https://index.docker.io/v1/"],
    ["registry-1.docker.io", "https://index.docker.io/v1/"],
    ["ghcr.io", "ghcr.io"],
    ["localhost:5000", "localhost:5000"],
  ])("docker login keeps %s under %s", (host, key) => expect(loginKey(host)).toBe(key));

  it.each([
    ["docker.io", "https://index.docker.io/v1/"],
    ["index.docker.io", "docker.io"],
    ["ghcr.io", "https://ghcr.io"],
    ["localhost:5000", "http://localhost:5000/v2/"],
  ])("a credHelpers entry and an auths entry for %s are found under %s", (host, key) => {
    const config = { credHelpers: { [key]: "per-host" }, auths: { [key]: { auth: b64("u:p") } } };
    expect(helperFor(config, host)).toEqual({ helper: "per-host", perHost: true });
    expect(findAuthEntry(config, host)).toEqual({ auth: b64("u:p") });
    expect(helperFor(config, "elsewhere.example.com")).toBeUndefined();
    expect(findAuthEntry(config, "elsewhere.example.com")).toBeUndefined();
  });
});
