import { describe, expect, it } from "vitest";
import { HostCredential, HostSignInList, identityTokenUser } from "./host-credentials.js";

describe("the host helper's answers", () => {
  it("list: registries as the config names them, user names only", () => {
    const answer = {
      registries: [
        { host: "https://index.docker.io/v1/", username: "hubuser" },
        { host: "localhost:5000", username: identityTokenUser },
      ],
    };
    expect(HostSignInList.parse(answer)).toEqual(answer);
    expect(HostSignInList.parse({ registries: [] })).toEqual({ registries: [] });
  });

  it.each([
    [{}],
    [{ registries: [{ host: "ghcr.io" }] }],
    [{ registries: [{ host: "", username: "me" }] }],
    [{ registries: "ghcr.io" }],
  ])("list refuses %j", (answer) => expect(HostSignInList.safeParse(answer).success).toBe(false));

  it("get: the host as asked, the user and the secret", () => {
    const answer = { host: "docker.io", username: "hubuser", secret: "s3cret" };
    expect(HostCredential.parse(answer)).toEqual(answer);
  });

  it.each([
    [{ host: "docker.io", username: "hubuser" }],
    [{ host: "docker.io", username: "hubuser", secret: "" }],
    [{ username: "hubuser", secret: "x" }],
  ])("get refuses %j", (answer) => expect(HostCredential.safeParse(answer).success).toBe(false));
});
