import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import {
  finalStageCopies,
  finalStageLabels,
  hostBinaries,
  hostBinarySource,
  parseLabelArgs,
  readExtensionFiles,
  requiredLabels,
  validateExtension,
  type ExtensionFiles,
} from "./extension-package.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const real = readExtensionFiles(root);

/** The real package with one line of the Dockerfile replaced; fails when the line is not there. */
function withDockerfileLine(line: string, replacement: string): ExtensionFiles {
  if (!real.dockerfile.includes(`${line}\n`)) throw new Error(`Dockerfile has no line ${line}`);
  return { ...real, dockerfile: real.dockerfile.replace(`${line}\n`, replacement) };
}

/** The real package with metadata.json's host section replaced. */
function withHost(host: unknown): ExtensionFiles {
  const metadata = JSON.parse(real.metadata) as Record<string, unknown>;
  return { ...real, metadata: JSON.stringify({ ...metadata, host }, null, 2) };
}

const windowsCopy =
  "COPY --chmod=0755 host/windows/model-publisher-credentials.cmd /windows/model-publisher-credentials.cmd";

/** Removes one label, whatever line it sits on, from a copy of the Dockerfile. */
function withoutLabel(dockerfile: string, label: string): string {
  const escaped = label.replace(/[.]/g, "\\.");
  const pattern = new RegExp(`\\s*${escaped}=(?:"(?:[^"\\\\]|\\\\.)*"|'[^']*'|\\S+)`);
  const next = dockerfile.replace(pattern, "");
  if (next === dockerfile) throw new Error(`fixture has no ${label}`);
  return next;
}

describe("the extension package", () => {
  it("passes every check Docker makes", () => {
    expect(validateExtension(real)).toEqual([]);
  });

  it("declares every required label in the final stage", () => {
    const labels = finalStageLabels(real.dockerfile);
    for (const label of requiredLabels) expect(labels.get(label), label).toBeTruthy();
  });

  it.each(requiredLabels)("fails when %s is removed", (label) => {
    const copy: ExtensionFiles = { ...real, dockerfile: withoutLabel(real.dockerfile, label) };
    expect(validateExtension(copy)).toContain(`label ${label} is missing or empty`);
  });

  it.each([
    [
      "socket names differ",
      (f: ExtensionFiles) => ({
        ...f,
        metadata: f.metadata.replace(
          '"socket": "backend.sock"\n      }\n    }\n  }',
          '"socket": "other.sock"\n      }\n    }\n  }',
        ),
      }),
      "vm.exposes.socket and ui.dashboard-tab.backend.socket differ",
    ],
    [
      "icon missing",
      (f: ExtensionFiles) => ({ ...f, metadata: f.metadata.replace('"icon": "docker.svg",', "") }),
      "metadata.json must have required property 'icon'",
    ],
    [
      "title says extension",
      (f: ExtensionFiles) => ({
        ...f,
        metadata: f.metadata.replace('"title": "Model Publisher"', '"title": "Model Publisher Extension"'),
      }),
      "metadata.json/ui/dashboard-tab/title must NOT be valid",
    ],
    [
      "unknown metadata field",
      (f: ExtensionFiles) => ({ ...f, metadata: f.metadata.replace('"icon":', '"colour": "red",\n  "icon":') }),
      "metadata.json must NOT have additional properties",
    ],
    [
      "no raw socket",
      (f: ExtensionFiles) => ({
        ...f,
        compose: f.compose.replace("/var/run/docker.sock.raw:", "/var/run/docker.sock:"),
      }),
      "the service must mount the raw docker socket",
    ],
    [
      "wrong image",
      (f: ExtensionFiles) => ({ ...f, compose: f.compose.replace("${DESKTOP_PLUGIN_IMAGE}", "model-publisher:dev") }),
      "the service image must be ${DESKTOP_PLUGIN_IMAGE}",
    ],
    [
      "no restart policy",
      (f: ExtensionFiles) => ({ ...f, compose: f.compose.replace("restart: unless-stopped", "restart: always") }),
      "the service must restart unless-stopped",
    ],
    [
      "unknown category",
      (f: ExtensionFiles) => ({
        ...f,
        dockerfile: f.dockerfile.replace("image-registry,utility-tools", "image-registry,models"),
      }),
      'category "models" is not a Marketplace category',
    ],
    [
      "screenshots not JSON",
      (f: ExtensionFiles) => ({
        ...f,
        dockerfile: f.dockerfile.replace(
          /com\.docker\.extension\.screenshots='[^']*'/,
          "com.docker.extension.screenshots='shots'",
        ),
      }),
      "label com.docker.extension.screenshots is not JSON",
    ],
    [
      "api version not semver",
      (f: ExtensionFiles) => ({ ...f, dockerfile: f.dockerfile.replace('">= 0.4.2"', '"latest"') }),
      'label com.docker.desktop.extension.api.version "latest" is not a semver constraint',
    ],
  ])("fails when %s", (_name, mutate, problem) => {
    expect(validateExtension(mutate(real))).toContain(problem);
  });

  it("ignores labels of earlier build stages", () => {
    const labels = finalStageLabels('FROM a AS x\nLABEL one="1"\nFROM b\nLABEL two="2" \\\n  three=\'3 3\'\n');
    expect([...labels]).toEqual([
      ["two", "2"],
      ["three", "3 3"],
    ]);
  });

  it.each([
    ['a="x \\" y"', [["a", 'x " y']]],
    [
      "a='<p>x</p>' b=c",
      [
        ["a", "<p>x</p>"],
        ["b", "c"],
      ],
    ],
    [
      'a=1 b="" c=\'[{"k":"v"}]\'',
      [
        ["a", "1"],
        ["b", ""],
        ["c", '[{"k":"v"}]'],
      ],
    ],
  ])("parses LABEL %s", (args, expected) => {
    expect([...parseLabelArgs(args)]).toEqual(expected);
  });
});

describe("the host binaries", () => {
  it("declares model-publisher-credentials for darwin, linux and windows, each copied from the repo", () => {
    const declared = hostBinaries(JSON.parse(real.metadata));
    expect(declared.map(({ os, path }) => [os, path])).toEqual([
      ["darwin", "/darwin/model-publisher-credentials"],
      ["linux", "/linux/model-publisher-credentials"],
      ["windows", "/windows/model-publisher-credentials.cmd"],
    ]);
    const sources = declared.map(({ path }) => hostBinarySource(real.dockerfile, path)?.source);
    expect(sources).toEqual([
      "host/unix/model-publisher-credentials",
      "host/unix/model-publisher-credentials",
      "host/windows/model-publisher-credentials.cmd",
    ]);
    for (const source of sources) expect(real.readSource(source as string), source).toMatch(/\S/);
  });

  it("reads COPY flags, JSON form and directory destinations of the final stage only", () => {
    const dockerfile = [
      "FROM a AS early",
      "COPY early.txt /early",
      "FROM b",
      "COPY --from=early /early /late",
      'COPY --chmod=0755 --link ["x y", "/dir/"]',
      "COPY one two /both/",
    ].join("\n");
    expect(finalStageCopies(dockerfile)).toEqual([
      { from: "early", chmod: undefined, sources: ["/early"], dest: "/late" },
      { from: undefined, chmod: "0755", sources: ["x y"], dest: "/dir/" },
      { from: undefined, chmod: undefined, sources: ["one", "two"], dest: "/both/" },
    ]);
    expect(hostBinarySource(dockerfile, "/both/two")?.source).toBe("two");
    expect(hostBinarySource(dockerfile, "/early")).toBeUndefined();
    expect(hostBinarySource(dockerfile, "/late")).toBeUndefined();
  });

  it.each([
    [
      "the Dockerfile does not copy one",
      () => withDockerfileLine(windowsCopy, ""),
      "the Dockerfile does not copy host binary /windows/model-publisher-credentials.cmd into the image",
    ],
    [
      "only an earlier stage copies it",
      () => {
        const copy = withDockerfileLine(windowsCopy, "");
        return { ...copy, dockerfile: copy.dockerfile.replace("FROM docker:cli AS docker-cli", `${windowsCopy}\n$&`) };
      },
      "the Dockerfile does not copy host binary /windows/model-publisher-credentials.cmd into the image",
    ],
    [
      "it is copied without --chmod",
      () => withDockerfileLine(windowsCopy, `${windowsCopy.replace("--chmod=0755 ", "")}\n`),
      "host binary /windows/model-publisher-credentials.cmd is not made executable (COPY --chmod=0755)",
    ],
    [
      "its source is not in the repo",
      () => ({
        ...real,
        readSource: (path: string) => (path.startsWith("host/unix/") ? undefined : real.readSource(path)),
      }),
      "host binary /linux/model-publisher-credentials comes from host/unix/model-publisher-credentials, which is not in the repo",
    ],
    [
      "the unix script has no #! line",
      () => ({
        ...real,
        readSource: (path: string) => real.readSource(path)?.replace(/^#!.*\n/, ""),
      }),
      "host binary /darwin/model-publisher-credentials has no #! line",
    ],
    [
      "the Windows file is not one Windows starts",
      () => withHost({ binaries: [{ windows: [{ path: "/windows/model-publisher-credentials.ps1" }] }] }),
      "host binary /windows/model-publisher-credentials.ps1 is not a file Windows starts (.exe, .cmd or .bat)",
    ],
    [
      "names differ between OSes",
      () =>
        withHost({
          binaries: [
            {
              linux: [{ path: "/linux/model-publisher-credentials" }],
              windows: [{ path: "/windows/credentials.cmd" }],
            },
          ],
        }),
      "host.binaries[0] names differ between OSes: model-publisher-credentials, credentials",
    ],
    [
      "a path is relative",
      () => withHost({ binaries: [{ linux: [{ path: "linux/model-publisher-credentials" }] }] }),
      'metadata.json/host/binaries/0/linux/0/path must match pattern "^/.*[^/]$"',
    ],
    [
      "an OS is unknown",
      () => withHost({ binaries: [{ freebsd: [{ path: "/freebsd/model-publisher-credentials" }] }] }),
      "metadata.json/host/binaries/0 must NOT have additional properties",
    ],
    [
      "binaries is empty",
      () => withHost({ binaries: [] }),
      "metadata.json/host/binaries must NOT have fewer than 1 items",
    ],
  ])("fails when %s", (_name, mutate, problem) => {
    expect(validateExtension(mutate())).toContain(problem);
  });
});
