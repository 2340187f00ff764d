import { describe, expect, it } from "vitest";
import { parseChallenge, repositoryScope } from "./challenge.js";

describe("parseChallenge", () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.docker.io/token",
          service: "registry.docker.io",
          scope: "repository:library/ubuntu:pull",
        },
      },
    ],
    ['Basic realm="Registry Realm"', { scheme: "basic", params: { realm: "Registry Realm" } }],
    ["basic realm=registry", { scheme: "basic", params: { realm: "registry" } }],
    [
      'Bearer realm="https://ghcr.io/token", service="ghcr.io", scope="repository:a/b:pull,push"',
      {
        scheme: "bearer",
        params: { realm: "https://ghcr.io/token", service: "ghcr.io", scope: "repository:a/b:pull,push" },
      },
    ],
    [
      'Bearer realm="http://x/t",error="insufficient_scope",scope="repository:a:pull repository:b:pull"',
      {
        scheme: "bearer",
        params: { realm: "http://x/t", error: "insufficient_scope", scope: "repository:a:pull repository:b:pull" },
      },
    ],
    ['Bearer Realm="a\\"b"', { scheme: "bearer", params: { realm: 'a"b' } }],
    ["Bearer", { scheme: "bearer", params: {} }],
  ])("%s", (header, want) => {
    expect(parseChallenge(header)).toEqual(want);
  });

  it.each([[""], [null], [undefined], ["   "]])("gives nothing for %j", (header) => {
    expect(parseChallenge(header)).toBeUndefined();
  });

  it("builds repository scopes", () => {
    expect(repositoryScope("library/qwen3", ["pull", "push"])).toBe("repository:library/qwen3:pull,push");
  });
});
