import { describe, expect, it } from "vitest";
import { ContractError } from "../errors.js";
import { encodeSearchCursor, searchPageUrl } from "./search-cursor.js";

const hub = "https://hub.example";

describe("search cursor", () => {
  it("round-trips the query of the Hub's next link onto HF_ENDPOINT", () => {
    const cursor = encodeSearchCursor("https://other.example/api/models?search=llama&limit=20&cursor=eyJ4IjoxfQ");
    expect(cursor).toBeDefined();
    const url = searchPageUrl(cursor as string, hub);
    expect(url.origin).toBe(hub);
    expect(url.pathname).toBe("/api/models");
    expect(url.searchParams.get("search")).toBe("llama");
    expect(url.searchParams.get("cursor")).toBe("eyJ4IjoxfQ");
  });

  it("keeps a path prefix of HF_ENDPOINT", () => {
    const cursor = encodeSearchCursor("https://mirror.example/hf/api/models?cursor=a") as string;
    expect(searchPageUrl(cursor, "https://mirror.example/hf").href).toBe(
      "https://mirror.example/hf/api/models?cursor=a",
    );
  });

  it("ignores links that are not a model listing", () => {
    expect(encodeSearchCursor("https://hub.example/api/datasets?cursor=a")).toBeUndefined();
    expect(encodeSearchCursor("not a url")).toBeUndefined();
  });

  it.each([
    ["not base64!"],
    [Buffer.from("no-equals-sign").toString("base64url")],
    ["aHR0cDovL2V2aWwuZXhhbXBsZS8"], // "http://evil.example/"
  ])("refuses %s", (cursor) => {
    expect(() => searchPageUrl(cursor, hub)).toThrow(ContractError);
  });

  it("cannot leave HF_ENDPOINT even when the query tries", () => {
    const crafted = Buffer.from("@evil.example/x?a=b#c=d").toString("base64url");
    expect(() => searchPageUrl(crafted, hub)).toThrow(ContractError);
    const sneaky = Buffer.from("a=b&x=//evil.example/").toString("base64url");
    expect(searchPageUrl(sneaky, hub).origin).toBe(hub);
  });
});
