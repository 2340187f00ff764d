// The shipped host helper model-publisher-credentials, run as Desktop runs it on macOS and Linux, against Docker
// configs and docker-credential-* stand-ins that speak the credential-helper protocol (API.md › Inside Docker Desktop).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HostCredential, HostSignInList, registryKey } from "@model-publisher/contract";
import { hostHelperRig, runHostHelper, shippedHostHelper, type HostHelperRun } from "./host-helper-rig.js";

const helper = shippedHostHelper("linux");
const b64 = (text: string) => Buffer.from(text).toString("base64");

const ecrHost = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const quotedUser = 'we"ird\\na\\me';
const localSecret = 'pa:ss"wo\\rd\n\ttab\u0001end\n';
const helperUser = 'oc"to\\cat';
const secrets = {
  hub: "hub-secret-4f1e",
  ghcr: "ghcr-secret-9a2b",
  ecr: "ecr-secret-77c1",
  local: localSecret,
  example: "example-secret-31d0",
  quay: "quay-secret-0c5d",
};

const rig = hostHelperRig({
  desktop: {
    "https://index.docker.io/v1/": { username: "hubuser", secret: secrets.hub },
    "https://ghcr.io": { username: helperUser, secret: secrets.ghcr },
  },
  "ecr-login": { [ecrHost]: { username: "AWS", secret: secrets.ecr } },
  broken: "broken",
});
afterAll(() => rig.remove());

/** A Docker Desktop user's config: Hub and ghcr.io in the keychain, ECR by its own helper, two inline logins. */
const desktopConfig = {
  auths: {
    "https://index.docker.io/v1/": {},
    "localhost:5000": { auth: b64(`${quotedUser}:${localSecret}`) },
    "https://registry.example.com/": { auth: b64(`example:${secrets.example}`) },
    "quay.io": { auth: b64(`quayuser:${secrets.quay}`) },
  },
  credsStore: "desktop",
  credHelpers: { [ecrHost]: "ecr-login", "quay.io": "ecr-login" },
  currentContext: "desktop-linux",
  plugins: { "-x-cli-hints": { enabled: "true" } },
  features: { hooks: "true" },
  proxies: { default: { noProxy: "localhost,127.0.0.1" } },
  aliases: { builder: "buildx" },
  detachKeys: "ctrl-e,e",
  psFormat: "table {{.ID}}\t{{.Names}}",
};
const desktopConfigDir = rig.dockerConfig(desktopConfig);

const desktopList = [
  { host: ecrHost, username: "AWS" },
  { host: "https://index.docker.io/v1/", username: "hubuser" },
  { host: "https://ghcr.io", username: helperUser },
  { host: "localhost:5000", username: quotedUser },
  { host: "https://registry.example.com/", username: "example" },
];

/** The helper's whole environment: the stand-ins first on PATH, a HOME without a config, DOCKER_CONFIG unless null. */
function env(configDir: string | null, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: `${rig.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    HOME: join(rig.dir, "home-without-config"),
    ...(configDir === null ? {} : { DOCKER_CONFIG: configDir }),
    ...extra,
  };
}

const run = (args: string[], configDir: string | null = desktopConfigDir, extra: NodeJS.ProcessEnv = {}) =>
  runHostHelper(helper, args, env(configDir, extra));

/** stdout is exactly one JSON object on one line; returns it. */
function answer(result: HostHelperRun): unknown {
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^\{[^\n]*\}\n$/);
  return JSON.parse(result.stdout);
}

/** Exit 1, nothing on stdout, exactly one line on stderr. */
function failure(result: HostHelperRun): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^model-publisher-credentials: [^\n]+\n$/);
  return result.stderr.trimEnd();
}

describe("model-publisher-credentials list", () => {
  it("lists every registry the host is signed in to with its user name, as the config names it", async () => {
    expect(answer(await run(["list"]))).toEqual({ registries: desktopList });
  });

  it("answers the contract's shapes, and get finds every listed sign-in under the contract's registry key", async () => {
    const { registries } = HostSignInList.parse(answer(await run(["list"])));
    expect(registries.length).toBeGreaterThan(3);
    for (const listed of registries) {
      const key = registryKey(listed.host);
      const got = HostCredential.parse(answer(await run(["get", key])));
      expect({ host: got.host, username: got.username }).toEqual({ host: key, username: listed.username });
    }
  });

  it("never prints a secret, encoded or not", async () => {
    const result = await run(["list"]);
    for (const secret of Object.values(secrets)) {
      expect(result.stdout).not.toContain(JSON.stringify(secret).slice(1, -1));
      expect(result.stdout).not.toContain(secret.trim());
    }
    for (const entry of Object.values(desktopConfig.auths)) {
      if ("auth" in entry) expect(result.stdout + result.stderr).not.toContain(entry.auth);
    }
  });

  it("reads the config the docker CLI writes (tabs) and a compact one alike", async () => {
    const compact = rig.dockerConfig(desktopConfig, "compact");
    expect(answer(await run(["list"], compact))).toEqual({ registries: desktopList });
  });

  it("gives no registries when there is no config", async () => {
    const result = await run(["list"], join(rig.dir, "no-such-config"));
    expect(result).toEqual({ code: 0, stdout: '{"registries":[]}\n', stderr: "" });
  });

  it("reads ~/.docker/config.json when DOCKER_CONFIG is not set", async () => {
    const home = join(rig.dir, "home");
    mkdirSync(join(home, ".docker"), { recursive: true });
    writeFileSync(
      join(home, ".docker", "config.json"),
      JSON.stringify({ auths: { "ghcr.io": { auth: b64("homeuser:home-secret") } } }),
    );
    expect(answer(await run(["list"], null, { HOME: home }))).toEqual({
      registries: [{ host: "ghcr.io", username: "homeuser" }],
    });
  });

  it("lists inline sign-ins when the credential store is broken or missing, and says so for a missing one", async () => {
    const inline = { auths: { "x.example.com": { auth: b64("xuser:x-secret") } } };
    expect(answer(await run(["list"], rig.dockerConfig({ ...inline, credsStore: "broken" })))).toEqual({
      registries: [{ host: "x.example.com", username: "xuser" }],
    });
    const missing = await run(["list"], rig.dockerConfig({ ...inline, credsStore: "not-installed" }));
    expect(missing.code).toBe(0);
    expect(JSON.parse(missing.stdout)).toEqual({ registries: [{ host: "x.example.com", username: "xuser" }] });
    expect(missing.stderr).toBe(
      "model-publisher-credentials: docker-credential-not-installed is not installed; its sign-ins are left out\n",
    );
  });

  it("names an identity-token sign-in by the user its auth holds", async () => {
    const config = rig.dockerConfig({
      auths: { "https://id.example.com": { auth: b64("alice:"), identitytoken: "refresh-token-5e" } },
    });
    const result = await run(["list"], config);
    expect(answer(result)).toEqual({ registries: [{ host: "https://id.example.com", username: "alice" }] });
    expect(result.stdout).not.toContain("refresh-token-5e");
  });
});

describe("model-publisher-credentials get", () => {
  it.each(["docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"])(
    "reads Docker Hub as %s from the credential store, asked as docker asks it",
    async (name) => {
      const before = rig.calls("desktop").length;
      expect(answer(await run(["get", name]))).toEqual({ host: name, username: "hubuser", secret: secrets.hub });
      const gets = rig
        .calls("desktop")
        .slice(before)
        .filter((call) => call.action === "get");
      expect(gets).toEqual([{ action: "get", input: "https://index.docker.io/v1/" }]);
    },
  );

  it("asks the credential store under the server URL it lists (https://ghcr.io for ghcr.io)", async () => {
    const before = rig.calls("desktop").length;
    expect(answer(await run(["get", "ghcr.io"]))).toEqual({
      host: "ghcr.io",
      username: helperUser,
      secret: secrets.ghcr,
    });
    expect(rig.calls("desktop").slice(before).at(-1)).toEqual({ action: "get", input: "https://ghcr.io" });
  });

  it("asks a host's own helper (credHelpers) and not the credential store", async () => {
    const before = rig.calls("desktop").length;
    expect(answer(await run(["get", ecrHost]))).toEqual({ host: ecrHost, username: "AWS", secret: secrets.ecr });
    expect(rig.calls("ecr-login").at(-1)).toEqual({ action: "get", input: ecrHost });
    expect(rig.calls("desktop").slice(before)).toEqual([]);
  });

  it("decodes an inline auth byte for byte: quotes, backslashes, a colon and control characters", async () => {
    expect(answer(await run(["get", "localhost:5000"]))).toEqual({
      host: "localhost:5000",
      username: quotedUser,
      secret: localSecret,
    });
  });

  it.each(["registry.example.com", "https://registry.example.com", "REGISTRY.example.com"])(
    "matches a config key written with a scheme and a slash when asked for %s",
    async (name) => {
      expect(answer(await run(["get", name]))).toEqual({
        host: name,
        username: "example",
        secret: secrets.example,
      });
    },
  );

  it("matches keys written with JSON escapes", async () => {
    const config = rig.dockerConfig(
      `{"auths":{"https:\\/\\/escaped.example.com\\/":{"auth":"${b64("esc:esc-secret")}"}}}`,
    );
    expect(answer(await run(["get", "escaped.example.com"], config))).toEqual({
      host: "escaped.example.com",
      username: "esc",
      secret: "esc-secret",
    });
  });

  it("gives an identity token as the user <token>, as credential helpers store one", async () => {
    const config = rig.dockerConfig({
      auths: { "https://id.example.com": { auth: b64("alice:"), identitytoken: "refresh-token-5e" } },
    });
    expect(answer(await run(["get", "id.example.com"], config))).toEqual({
      host: "id.example.com",
      username: "<token>",
      secret: "refresh-token-5e",
    });
  });

  it("fails when not signed in there", async () => {
    expect(failure(await run(["get", "nope.example.com"]))).toBe(
      "model-publisher-credentials: not signed in to nope.example.com",
    );
    expect(failure(await run(["get", "docker.io"], join(rig.dir, "no-such-config")))).toBe(
      "model-publisher-credentials: not signed in to docker.io",
    );
  });

  it("fails when the host's own helper holds nothing, even with an inline entry for it", async () => {
    expect(failure(await run(["get", "quay.io"]))).toBe("model-publisher-credentials: not signed in to quay.io");
    expect(rig.calls("ecr-login").at(-1)).toEqual({ action: "get", input: "quay.io" });
  });

  it("says which helper failed or is missing, and falls back to an inline entry past the credential store", async () => {
    const inline = { auths: { "x.example.com": { auth: b64("xuser:x-secret") } } };
    const broken = rig.dockerConfig({ ...inline, credsStore: "broken" });
    expect(failure(await run(["get", "docker.io"], broken))).toBe(
      "model-publisher-credentials: cannot read the sign-in for docker.io: docker-credential-broken failed",
    );
    expect(answer(await run(["get", "x.example.com"], broken))).toEqual({
      host: "x.example.com",
      username: "xuser",
      secret: "x-secret",
    });
    const missing = rig.dockerConfig({ credHelpers: { "gcr.io": "not-installed" } });
    expect(failure(await run(["get", "gcr.io"], missing))).toBe(
      "model-publisher-credentials: cannot read the sign-in for gcr.io: docker-credential-not-installed is not installed",
    );
  });

  it("fails on a config that is not JSON, naming it", async () => {
    const config = rig.dockerConfig('{"auths": {"a": {}}');
    const expected = `model-publisher-credentials: ${join(config, "config.json")} is not valid JSON`;
    expect(failure(await run(["get", "docker.io"], config))).toBe(expected);
    expect(failure(await run(["list"], config))).toBe(expected);
  });

  it.each([[[]], [["show"]], [["get"]], [["list", "extra"]], [["get", "a.io", "b.io"]], [["get", ""]]])(
    "fails with one line of usage for %j",
    async (args) => {
      expect(failure(await run(args))).toMatch(/^model-publisher-credentials: (usage: |get needs a registry host)/);
    },
  );
});

describe("model-publisher-credentials on other systems' tools", () => {
  const macosBase64 =
    "#!/bin/sh\n[ \"$1\" = -D ] || { echo 'base64: invalid option -- d' >&2; exit 64; }\nexec /usr/bin/base64 -d\n";

  it.each([
    ["an old macOS base64 that decodes with -D only", macosBase64],
    ["no working base64 (openssl decodes)", "#!/bin/sh\nexit 127\n"],
  ])("decodes inline auths with %s", async (_name, script) => {
    const other = hostHelperRig({});
    try {
      other.program("base64", script);
      const result = await runHostHelper(helper, ["get", "localhost:5000"], {
        ...env(desktopConfigDir),
        PATH: `${other.binDir}:${rig.binDir}:${process.env.PATH ?? ""}`,
      });
      expect(answer(result)).toEqual({ host: "localhost:5000", username: quotedUser, secret: localSecret });
    } finally {
      other.remove();
    }
  });

  // macOS runs sh as bash in POSIX mode with BWK awk (original-awk); Linux often dash or busybox. Each shell found
  // here is tried with the system's awk, and each awk found with sh. CI installs original-awk and busybox: there a
  // missing one fails rather than silently leaving the macOS-like and busybox runs out.
  const required = process.env.CI ? ["bash", "busybox", "mawk", "original-awk"] : [];
  const shells = [
    ["bash", "--posix"],
    ["busybox", "sh"],
  ].filter(([name]) => onPath(name as string));
  const awks = [["mawk"], ["original-awk"], ["gawk"], ["busybox", "awk"]].filter(([name]) => onPath(name as string));

  it("has the shells and awks CI installs", () => {
    expect(required.filter((program) => !onPath(program))).toEqual([]);
  });
  const cases = [
    ...shells.map((shell) => [shell.join(" "), shell, ["awk"]]),
    ...awks.map((awk) => [`sh with ${awk.join(" ")}`, ["sh"], awk]),
  ];

  it.each(cases)("gives the same answers under %s", async (_name, shell, awk) => {
    const shim = hostHelperRig({});
    try {
      const [awkName, ...awkFlags] = awk as string[];
      // An awk shim only for a named awk: one that ran "awk" would start itself.
      if (awkName !== "awk") shim.program("awk", `#!/bin/sh\nexec ${awkName} ${awkFlags.join(" ")} "$@"\n`);
      const shimEnv = { ...env(desktopConfigDir), PATH: `${shim.binDir}:${rig.binDir}:${process.env.PATH ?? ""}` };
      const list = await runHostHelper(helper, ["list"], shimEnv, shell as string[]);
      expect(answer(list)).toEqual({ registries: desktopList });
      const local = await runHostHelper(helper, ["get", "localhost:5000"], shimEnv, shell as string[]);
      expect(answer(local)).toEqual({ host: "localhost:5000", username: quotedUser, secret: localSecret });
      const hub = await runHostHelper(helper, ["get", "docker.io"], shimEnv, shell as string[]);
      expect(answer(hub)).toEqual({ host: "docker.io", username: "hubuser", secret: secrets.hub });
    } finally {
      shim.remove();
    }
  });
});

function onPath(program: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => dir !== "" && existsSync(join(dir, program)));
}

describe("the darwin helper", () => {
  it("is the same file as the linux one, so the runs above cover it", () => {
    expect(shippedHostHelper("darwin")).toBe(helper);
  });
});
