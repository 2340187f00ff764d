import { describe, expect, it } from "vitest";
import { isLoopbackRegistry, parseReference } from "./reference.js";

/** Docker Hub's official images live under library/. */
const ub = "library/ubuntu";
const d = "sha256:" + "0123456789abcdef".repeat(4);

describe("parseReference (docker grammar)", () => {
  it.each(["index.docker.io/library/ubuntu", "registry-1.docker.io/library/ubuntu:latest", "ubuntu"])(
    "%s names the same repository as docker.io/ubuntu",
    (input) => {
      expect(parseReference(input)).toEqual(parseReference("docker.io/ubuntu"));
    },
  );

  it.each([
    ["qwen3", "docker.io", "library/qwen3", "latest", undefined, "docker.io/library/qwen3:latest", "qwen3:latest"],
    [
      "ubuntu:22.04",
      "docker.io",
      "library/ubuntu",
      "22.04",
      undefined,
      "docker.io/library/ubuntu:22.04",
      "ubuntu:22.04",
    ],
    ["docker.io/ubuntu", "docker.io", ub, "latest", undefined, `docker.io/${ub}:latest`, "ubuntu:latest"],
    ["registry-1.docker.io/me/x:1", "docker.io", "me/x", "1", undefined, "docker.io/me/x:1", "me/x:1"],
    ["me/model", "docker.io", "me/model", "latest", undefined, "docker.io/me/model:latest", "me/model:latest"],
    ["ghcr.io/me/model:v1", "ghcr.io", "me/model", "v1", undefined, "ghcr.io/me/model:v1", "ghcr.io/me/model:v1"],
    ["localhost/a", "localhost", "a", "latest", undefined, "localhost/a:latest", "localhost/a:latest"],
    [
      "localhost:5000/a/b",
      "localhost:5000",
      "a/b",
      "latest",
      undefined,
      "localhost:5000/a/b:latest",
      "localhost:5000/a/b:latest",
    ],
    [
      `localhost:5000/a/b@${d}`,
      "localhost:5000",
      "a/b",
      undefined,
      d,
      `localhost:5000/a/b@${d}`,
      `localhost:5000/a/b@${d}`,
    ],
    [`127.0.0.1:5000/a:t@${d}`, "127.0.0.1:5000", "a", "t", d, `127.0.0.1:5000/a:t@${d}`, `127.0.0.1:5000/a:t@${d}`],
    [`qwen3@${d}`, "docker.io", "library/qwen3", undefined, d, `docker.io/library/qwen3@${d}`, `qwen3@${d}`],
    [
      `a@${d.toUpperCase().replace("SHA256", "sha256")}`,
      "docker.io",
      "library/a",
      undefined,
      d,
      `docker.io/library/a@${d}`,
      `a@${d}`,
    ],
    ["[::1]:5000/a", "[::1]:5000", "a", "latest", undefined, "[::1]:5000/a:latest", "[::1]:5000/a:latest"],
    [
      "my-registry.example.com:443/team/sub/model:2025-01",
      "my-registry.example.com:443",
      "team/sub/model",
      "2025-01",
      undefined,
      "my-registry.example.com:443/team/sub/model:2025-01",
      "my-registry.example.com:443/team/sub/model:2025-01",
    ],
    ["a/b/c/d/e", "docker.io", "a/b/c/d/e", "latest", undefined, "docker.io/a/b/c/d/e:latest", "a/b/c/d/e:latest"],
    [
      "a__b/c.d/e-f/g--h",
      "docker.io",
      "a__b/c.d/e-f/g--h",
      "latest",
      undefined,
      "docker.io/a__b/c.d/e-f/g--h:latest",
      "a__b/c.d/e-f/g--h:latest",
    ],
    [
      "localhost:5000",
      "docker.io",
      "library/localhost",
      "5000",
      undefined,
      "docker.io/library/localhost:5000",
      "localhost:5000",
    ],
    ["Registry/x", "Registry", "x", "latest", undefined, "Registry/x:latest", "Registry/x:latest"],
    ["x:Tag_1.a-b", "docker.io", "library/x", "Tag_1.a-b", undefined, "docker.io/library/x:Tag_1.a-b", "x:Tag_1.a-b"],
    [
      `x:${"t".repeat(128)}`,
      "docker.io",
      "library/x",
      "t".repeat(128),
      undefined,
      `docker.io/library/x:${"t".repeat(128)}`,
      `x:${"t".repeat(128)}`,
    ],
  ])("%s", (input, registry, repository, tag, digest, normalized, familiar) => {
    const parsed = parseReference(input);
    expect(parsed).toEqual({ ok: true, value: { registry, repository, tag, digest, normalized, familiar } });
  });

  it.each([
    ["", /empty/],
    [" qwen3", /spaces/],
    ["a b", /spaces/],
    ["https://ghcr.io/me/x", /scheme/],
    [":tag", /repository name is missing/],
    ["ghcr.io/", /repository name is missing/],
    ["ghcr.io/Me/x", /lowercase/],
    ["UPPER", /lowercase/],
    ["a:", /not a valid tag/],
    ["a:.tag", /not a valid tag/],
    ["a:-tag", /not a valid tag/],
    [`a:${"t".repeat(129)}`, /not a valid tag/],
    ["a:t/g", /lowercase|not a valid/],
    ["a..b", /not a valid repository component/],
    ["-a", /not a valid repository component/],
    ["a_", /not a valid repository component/],
    ["a___b", /not a valid repository component/],
    ["a//b", /empty component/],
    ["ghcr.io/a/", /empty component/],
    ["a@sha256:abc", /not a valid digest/],
    ["a@sha256:" + "0".repeat(63), /64 hex digits/],
    ["a@md5:" + "0".repeat(32), /unsupported digest algorithm/],
    ["a@", /not a valid digest/],
    ["host:99999/a", /out of range/],
    ["-bad.host:5000/a", /not a valid registry host/],
    [`ghcr.io/${"a".repeat(250)}`, /longer than 255/],
    ["x".repeat(513), /longer than 512/],
  ])("rejects %j", (input, reason) => {
    const parsed = parseReference(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });
});

describe("isLoopbackRegistry", () => {
  it.each([
    ["localhost", true],
    ["localhost:5000", true],
    ["127.0.0.1:5000", true],
    ["[::1]:5000", true],
    ["registry.localhost", true],
    ["ghcr.io", false],
    ["127.0.0.2:5000", true],
    ["127.0.0.1.nip.io:5000", false],
    ["localhost.example.com", false],
  ])("%s → %s", (host, loopback) => {
    expect(isLoopbackRegistry(host)).toBe(loopback);
  });
});
