import { describe, expect, it } from "vitest";
import { compareManifests } from "./compare-manifests.js";

const layer = (title: string) => ({
  mediaType: "application/vnd.cncf.model.weight.v1.raw",
  digest: "sha256:" + "a".repeat(64),
  size: 3,
  annotations: { "org.opencontainers.image.title": title },
});

describe("compareManifests", () => {
  it.each([
    ["identical objects", { a: 1, b: [1, 2] }, { a: 1, b: [1, 2] }, []],
    ["key order does not matter", { a: 1, b: 2 }, { b: 2, a: 1 }, []],
    ["changed scalar", { a: 1 }, { a: 2 }, [{ path: "/a", left: 1, right: 2 }]],
    ["added key", { a: 1 }, { a: 1, b: true }, [{ path: "/b", right: true }]],
    ["removed key", { a: 1, b: null }, { a: 1 }, [{ path: "/b", left: null }]],
    ["longer array", { l: [1] }, { l: [1, 2] }, [{ path: "/l/1", right: 2 }]],
    ["shorter array", { l: [1, 2] }, { l: [1] }, [{ path: "/l/1", left: 2 }]],
    ["type change", { a: [1] }, { a: { 0: 1 } }, [{ path: "/a", left: [1], right: { 0: 1 } }]],
    ["root scalar", 1, 2, [{ path: "", left: 1, right: 2 }]],
    [
      "escaped keys",
      { annotations: { "a/b~c": "x" } },
      { annotations: { "a/b~c": "y" } },
      [{ path: "/annotations/a~1b~0c", left: "x", right: "y" }],
    ],
    [
      "one layer annotation",
      { layers: [layer("model.safetensors")] },
      { layers: [layer("model-00001.safetensors")] },
      [
        {
          path: "/layers/0/annotations/org.opencontainers.image.title",
          left: "model.safetensors",
          right: "model-00001.safetensors",
        },
      ],
    ],
  ])("%s", (_name, left, right, differences) => {
    const result = compareManifests(left, right);
    expect(result.differences).toEqual(differences);
    expect(result.identical).toBe(differences.length === 0);
  });
});
