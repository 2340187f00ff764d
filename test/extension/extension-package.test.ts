import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  checkListingImages,
  finalStageCopies,
  finalStageLabels,
  hostBinaries,
  hostBinarySource,
  imageFacts,
  kindByName,
  listingImages,
  listingUrlPrefix,
  parseLabelArgs,
  readExtensionFiles,
  requiredLabels,
  screenshotSize,
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

/** The first bytes of a PNG of this size: signature and IHDR, all `imageFacts` reads. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "latin1");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/** A JPEG's start: SOI, an APP0 segment, then SOF0 with the frame size. */
function jpegHeader(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sof0 = Buffer.alloc(19);
  sof0.set([0xff, 0xc0, 0x00, 0x11, 8]);
  sof0.writeUInt16BE(height, 5);
  sof0.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof0]);
}

const screenshotsLabel = "com.docker.extension.screenshots";
const realLabels = finalStageLabels(real.dockerfile);

/** The real package whose Dockerfile links this repo path instead of `from` in the labels. */
function linking(from: string, to: string): ExtensionFiles {
  const dockerfile = real.dockerfile.replace(`${listingUrlPrefix}${from}`, `${listingUrlPrefix}${to}`);
  if (dockerfile === real.dockerfile) throw new Error(`the labels do not link ${from}`);
  return { ...real, dockerfile };
}

describe("the Marketplace listing's images", () => {
  const images = listingImages(realLabels);

  it("links the icon and the light and dark screenshots, light first, each to a file of the repo", () => {
    expect(images.filter((image) => !image.screenshot).map(({ label, path }) => [label, path])).toEqual([
      ["com.docker.desktop.extension.icon", "docker.svg"],
    ]);
    const shots = images.filter((image) => image.screenshot).map((image) => image.path);
    const schemes = shots.map((path) => /-(light|dark)\.png$/.exec(path)?.[1]);
    expect(
      schemes.every((scheme) => scheme !== undefined),
      shots.join(" "),
    ).toBe(true);
    const firstDark = schemes.indexOf("dark");
    expect(firstDark).toBeGreaterThan(0);
    expect(schemes.slice(firstDark).every((scheme) => scheme === "dark")).toBe(true);
    // Every page shown light is shown dark too, in the same order.
    expect(shots.slice(firstDark)).toEqual(
      shots.slice(0, firstDark).map((path) => path.replace(/-light\.png$/, "-dark.png")),
    );
  });

  it("has every linked file in the repo, of the kind its name says, the screenshots at Docker's size", () => {
    expect(images.length).toBeGreaterThan(1);
    for (const { path, screenshot } of images) {
      const bytes = real.readBytes(path);
      expect(bytes, path).toBeDefined();
      const facts = imageFacts(bytes as Buffer);
      expect(facts.kind, path).toBe(kindByName(path));
      if (screenshot) expect([facts.width, facts.height], path).toEqual([screenshotSize.width, screenshotSize.height]);
    }
    expect(checkListingImages(real, realLabels)).toEqual([]);
  });

  it("keeps no screenshot in docs/screenshots that the labels do not list", () => {
    const listed = new Set(images.filter((image) => image.screenshot).map((image) => image.path));
    const onDisk = readdirSync(new URL("../../docs/screenshots/", import.meta.url)).map((n) => `docs/screenshots/${n}`);
    expect(onDisk.filter((path) => !listed.has(path))).toEqual([]);
  });

  it.each([
    [
      "a screenshot is not in the repo",
      () => linking("docs/screenshots/history-dark.png", "docs/screenshots/gone.png"),
      `${listingUrlPrefix}docs/screenshots/gone.png points to docs/screenshots/gone.png, which is not in the repo`,
    ],
    [
      "the icon is not in the repo",
      () => linking("docker.svg", "icon.svg"),
      `${listingUrlPrefix}icon.svg points to icon.svg, which is not in the repo`,
    ],
    [
      "a .png is an SVG",
      () => ({ ...real, readBytes: (path: string) => real.readBytes(path.endsWith(".png") ? "docker.svg" : path) }),
      "docs/screenshots/publish-light.png is not a PNG as its name says",
    ],
    [
      "the icon is a PNG named .svg",
      () => ({
        ...real,
        readBytes: (path: string) => (path === "docker.svg" ? pngHeader(64, 64) : real.readBytes(path)),
      }),
      "docker.svg is not a SVG as its name says",
    ],
    [
      "a screenshot is 1200x800",
      () => ({
        ...real,
        readBytes: (path: string) => (path.endsWith(".png") ? pngHeader(1200, 800) : real.readBytes(path)),
      }),
      "screenshot docs/screenshots/job-dark.png is 1200x800, not 2400x1600",
    ],
    [
      "a screenshot is a JPEG of the wrong size",
      () => ({
        ...linking("docs/screenshots/job-light.png", "docs/screenshots/job-light.jpg"),
        readBytes: (path: string) => (path.endsWith(".jpg") ? jpegHeader(2400, 1601) : real.readBytes(path)),
      }),
      "screenshot docs/screenshots/job-light.jpg is 2400x1601, not 2400x1600",
    ],
    [
      "a label links a file that is no image",
      () => linking("docker.svg", "README.md"),
      "README.md is not named as a PNG, SVG or JPG",
    ],
  ])("fails when %s", (_name, mutate, problem) => {
    expect(validateExtension(mutate())).toContain(problem);
  });

  it("finds prefixed URLs in any label, percent-decoded", () => {
    const labels = new Map([
      ["com.docker.extension.detailed-description", `<p><img src="${listingUrlPrefix}docs/a%20b.png"></p>`],
      [screenshotsLabel, JSON.stringify([{ alt: "x", url: `${listingUrlPrefix}docs/c.jpg` }])],
      ["com.docker.extension.publisher-url", "https://github.com/model-publisher/model-publisher"],
    ]);
    expect(listingImages(labels).map(({ path, screenshot }) => [path, screenshot])).toEqual([
      ["docs/a b.png", false],
      ["docs/c.jpg", true],
    ]);
  });

  it.each([
    ["a PNG", pngHeader(2400, 1600), { kind: "png", width: 2400, height: 1600 }],
    ["a JPEG", jpegHeader(640, 480), { kind: "jpg", width: 640, height: 480 }],
    ["an SVG with a prolog", Buffer.from('<?xml version="1.0"?>\n<!-- icon -->\n<svg xmlns="x"/>'), { kind: "svg" }],
    ["HTML", Buffer.from("<!doctype html><html><svg></svg></html>"), {}],
    ["a truncated PNG", pngHeader(2400, 1600).subarray(0, 20), {}],
  ])("reads %s", (_name, bytes, facts) => {
    expect(imageFacts(bytes)).toEqual(facts);
  });
});
