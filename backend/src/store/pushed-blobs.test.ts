import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JobStore } from "./job-store.js";

let dir: string;
let clock = 0;
const now = () => new Date(Date.parse("2026-01-01T00:00:00Z") + clock++ * 1000);
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pushed-blobs-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("PushedBlobs", () => {
  it("answers the repositories of a registry that hold a digest, newest first, leaving out the asking one", () => {
    const store = JobStore.open(dir, { now });
    const blobs = store.pushedBlobs;
    blobs.record("127.0.0.1:5000", "acme/one", ["sha256:a", "sha256:b"]);
    blobs.record("127.0.0.1:5000", "acme/two", ["sha256:a"]);
    blobs.record("127.0.0.1:5001", "acme/other-registry", ["sha256:a"]);
    expect(blobs.repositoriesWith("127.0.0.1:5000", "sha256:a", "acme/three")).toEqual(["acme/two", "acme/one"]);
    expect(blobs.repositoriesWith("127.0.0.1:5000", "sha256:a", "acme/two")).toEqual(["acme/one"]);
    expect(blobs.repositoriesWith("127.0.0.1:5000", "sha256:c", "acme/three")).toEqual([]);
    blobs.forget("127.0.0.1:5000", "acme/two", "sha256:a");
    expect(blobs.repositoriesWith("127.0.0.1:5000", "sha256:a", "acme/three")).toEqual(["acme/one"]);
    store.close();
  });

  it("keeps what was pushed where across restarts, with the job history", () => {
    const first = JobStore.open(dir, { now });
    first.pushedBlobs.record("ghcr.io", "me/model", ["sha256:a"]);
    first.close();
    const again = JobStore.open(dir, { now });
    expect(again.pushedBlobs.repositoriesWith("ghcr.io", "sha256:a", "me/other")).toEqual(["me/model"]);
    again.close();
  });
});
