// A Hub-compatible server may write its next-page links in any form RFC 8288 allows: relative to the answer, with a
// bare `rel=next`, after another link. Listings must still reach every page, never stop quietly after the first.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelDetails, ModelList } from "@model-publisher/contract";
import { nextPageLink } from "../../backend/src/hub/hub-fetch.js";
import { startHubServer, type HubServer } from "../fixtures/hub-server.js";
import { startHubBackend, type HubBackend } from "../harness/hub-backend.js";

const files = Array.from({ length: 23 }, (_, i) => ({
  path: `shards/part-${String(i).padStart(2, "0")}.txt`,
  content: `${i}`,
}));

let hub: HubServer;
let backend: HubBackend;
beforeAll(async () => {
  hub = await startHubServer({
    linkStyle: "relative",
    treePageSize: 5,
    models: [
      { id: "acme/sharded", downloads: 9, files },
      ...Array.from({ length: 7 }, (_, i) => ({
        id: `acme/linked-${i}`,
        downloads: 100 - i,
        files: [{ path: "a.txt", content: "a" }],
      })),
    ],
  });
  backend = await startHubBackend({ hubUrl: hub.url, timeoutMs: 5_000 });
});
afterAll(async () => {
  await backend?.stop();
  await hub?.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${backend.url}${path}`);
  return { status: res.status, body: (await res.json()) as unknown };
};

describe("next-page links in other valid forms", () => {
  it("reads them: relative, bare rel, a relation list, several links", () => {
    const base = "http://127.0.0.1:9/api/models/a/b/tree/main?recursive=true";
    expect(nextPageLink("</api/x?cursor=2>;rel=next", base)).toBe("http://127.0.0.1:9/api/x?cursor=2");
    expect(nextPageLink('<https://e.invalid/h>; rel="help", <?cursor=3>; rel="prev next"', base)).toBe(
      "http://127.0.0.1:9/api/models/a/b/tree/main?cursor=3",
    );
    expect(nextPageLink('<http://h/x>; rel="prev"', base)).toBeUndefined();
    expect(nextPageLink(null, base)).toBeUndefined();
  });

  it("lists every file of a tree served five entries a page", async () => {
    const { status, body } = await get("/models/acme/sharded");
    expect(status).toBe(200);
    expect(ModelDetails.parse(body).files.map((f) => f.path)).toEqual(files.map((f) => f.path));
    expect(hub.countHits(/\/tree\//)).toBeGreaterThanOrEqual(5);
  });

  it("pages a search to the end with the cursor", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const { status, body } = await get(`/models?search=linked&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(status).toBe(200);
      const page = ModelList.parse(body);
      seen.push(...page.models.map((m) => m.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `acme/linked-${i}`));
  });
});
