import { describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import {
  finalStageLabels,
  parseLabelArgs,
  readExtensionFiles,
  requiredLabels,
  validateExtension,
  type ExtensionFiles,
} from "./extension-package.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const real = readExtensionFiles(root);

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
