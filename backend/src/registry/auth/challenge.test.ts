import { describe, expect, it } from "vitest";
import { parseChallenge, parseChallenges, repositoryScope } from "./challenge.js";

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

  it.each([
    ['Basic realm="r", Bearer realm="https://t/token",service="s"', "bearer", "https://t/token"],
    ['Newauth realm="apps", type=1, title="Login", Basic realm="simple"', "basic", "simple"],
    ['Bearer realm="https://t/token", scope="repository:a:pull", Basic realm="r"', "bearer", "https://t/token"],
  ])("answers Bearer, then Basic, among several challenges: %s", (header, scheme, realm) => {
    expect(parseChallenge(header)).toMatchObject({ scheme, params: { realm } });
  });

  it("keeps every challenge and its own parameters", () => {
    expect(parseChallenges('Newauth realm="apps", type=1, title="Login, here", Basic realm="simple"')).toEqual([
      { scheme: "newauth", params: { realm: "apps", type: "1", title: "Login, here" } },
      { scheme: "basic", params: { realm: "simple" } },
    ]);
  });

  it.each([[""], [null], [undefined], ["   "]])("gives nothing for %j", (header) => {
    expect(parseChallenge(header)).toBeUndefined();
  });

  it("builds repository scopes", () => {
    expect(repositoryScope("library/qwen3", ["pull", "push"])).toBe("repository:library/qwen3:pull,push");
  });
});
