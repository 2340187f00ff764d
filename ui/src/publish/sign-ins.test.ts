import { describe, expect, it } from "vitest";
import { defaultReference } from "./publish-defaults.js";
import { planHandOff, suggestionSignIns, type KnownSignIns } from "./sign-ins.js";

const none: KnownSignIns = { backend: [], host: [] };

describe("suggestionSignIns", () => {
  it.each<[string, KnownSignIns, Array<{ host: string; username: string }>]>([
    ["nothing anywhere", none, []],
    [
      "the backend's before the host's",
      { backend: [{ host: "ghcr.io", username: "ours" }], host: [{ host: "quay.io", username: "theirs" }] },
      [
        { host: "ghcr.io", username: "ours" },
        { host: "quay.io", username: "theirs" },
      ],
    ],
    [
      "Docker Hub as docker.io, once, the backend's user winning",
      {
        backend: [{ host: "docker.io", username: "ours" }],
        host: [{ host: "https://index.docker.io/v1/", username: "theirs" }],
      },
      [{ host: "docker.io", username: "ours" }],
    ],
    [
      "the host's Docker Hub sign-in under its config key",
      { backend: [], host: [{ host: "https://index.docker.io/v1/", username: "HubUser" }] },
      [{ host: "docker.io", username: "HubUser" }],
    ],
    [
      "identity tokens skipped",
      {
        backend: [],
        host: [
          { host: "https://index.docker.io/v1/", username: "<token>" },
          { host: "https://ghcr.io", username: "octo" },
        ],
      },
      [{ host: "ghcr.io", username: "octo" }],
    ],
  ])("%s", (_what, signIns, expected) => expect(suggestionSignIns(signIns)).toEqual(expected));

  it.each<[KnownSignIns, string]>([
    [none, "localhost:5000/acme/tiny-llm:latest"],
    [{ backend: [], host: [{ host: "https://index.docker.io/v1/", username: "Me" }] }, "docker.io/me/tiny-llm:latest"],
    [{ backend: [], host: [{ host: "localhost:41234", username: "alice" }] }, "localhost:41234/alice/tiny-llm:latest"],
    [
      { backend: [{ host: "ghcr.io", username: "ours" }], host: [{ host: "localhost:41234", username: "alice" }] },
      "ghcr.io/ours/tiny-llm:latest",
    ],
    [{ backend: [], host: [{ host: "docker.io", username: "<token>" }] }, "localhost:5000/acme/tiny-llm:latest"],
  ])("suggests the reference from them: %j → %s", (signIns, reference) =>
    expect(defaultReference("acme/tiny-llm", "main", suggestionSignIns(signIns))).toBe(reference),
  );
});

describe("planHandOff", () => {
  const host = [
    { host: "localhost:41234", username: "alice" },
    { host: "https://index.docker.io/v1/", username: "hubuser" },
    { host: "https://quay.io", username: "<token>" },
  ];
  it.each<[string, string[], KnownSignIns, { handOff: string[]; tokenOnly: string[] }]>([
    ["nothing on the host", ["localhost:41234/a/b:1"], { backend: [], host: [] }, { handOff: [], tokenOnly: [] }],
    [
      "a host sign-in",
      ["localhost:41234/a/b:1"],
      { backend: [], host },
      { handOff: ["localhost:41234"], tokenOnly: [] },
    ],
    [
      "the backend signed in already",
      ["localhost:41234/a/b:1"],
      { backend: [{ host: "localhost:41234", username: "bob" }], host },
      { handOff: [], tokenOnly: [] },
    ],
    [
      "Docker Hub by any name, once",
      ["me/model:1", "index.docker.io/me/model:2", "docker.io/me/other:1"],
      { backend: [], host },
      { handOff: ["docker.io"], tokenOnly: [] },
    ],
    [
      "Docker Hub signed in on the backend under its config key",
      ["me/model:1"],
      { backend: [{ host: "https://index.docker.io/v1/", username: "x" }], host },
      { handOff: [], tokenOnly: [] },
    ],
    ["an identity token only", ["quay.io/me/model:1"], { backend: [], host }, { handOff: [], tokenOnly: ["quay.io"] }],
    [
      "another registry",
      ["ghcr.io/me/model:1", "not a reference"],
      { backend: [], host },
      { handOff: [], tokenOnly: [] },
    ],
    [
      "several targets",
      ["localhost:41234/a/b:1", "quay.io/me/model:1", "me/model:1"],
      { backend: [], host },
      { handOff: ["localhost:41234", "docker.io"], tokenOnly: ["quay.io"] },
    ],
  ])("%s", (_what, targets, signIns, plan) => expect(planHandOff(targets, signIns)).toEqual(plan));
});
