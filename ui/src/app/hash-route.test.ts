import { describe, expect, it } from "vitest";
import { parseRoute, routeHash, type Route } from "./hash-route.js";

describe("parseRoute", () => {
  it.each<[string, Route]>([
    ["", { page: "publish" }],
    ["#/", { page: "publish" }],
    ["#/publish/acme/tiny-llm", { page: "publish", model: "acme/tiny-llm", revision: undefined }],
    ["#/publish/acme/tiny-llm?rev=v1.0", { page: "publish", model: "acme/tiny-llm", revision: "v1.0" }],
    ["#/jobs/abc123", { page: "job", id: "abc123" }],
    ["#/history", { page: "history" }],
    ["#/settings", { page: "settings" }],
    [
      "#/inspect?ref=localhost%3A5000%2Fa%2Fb%3A1",
      { page: "inspect", reference: "localhost:5000/a/b:1", compare: undefined },
    ],
    ["#/nowhere", { page: "publish" }],
  ])("%s", (hash, route) => expect(parseRoute(hash)).toEqual(route));
});

describe("routeHash round-trips", () => {
  it.each<Route>([
    { page: "publish", model: "acme/tiny-llm", revision: "refs/pr/1" },
    { page: "job", id: "01J0-abc" },
    { page: "inspect", reference: "localhost:5000/x/y@sha256:" + "a".repeat(64), compare: "ghcr.io/me/y:2" },
    { page: "settings" },
    { page: "history" },
  ])("%j", (route) => expect(parseRoute(routeHash(route))).toEqual({ revision: undefined, ...route }));
});
