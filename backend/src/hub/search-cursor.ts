import { ContractError } from "../errors.js";

/**
 * The opaque `cursor` of `GET /models`: the query string of the Hub's next-page link, base64url. Only the query
 * travels, so a cursor can never point the backend anywhere but `HF_ENDPOINT/api/models`.
 */
export function encodeSearchCursor(nextLink: string): string | undefined {
  let url: URL;
  try {
    url = new URL(nextLink);
  } catch {
    return undefined;
  }
  if (!url.pathname.endsWith("/api/models")) return undefined;
  return Buffer.from(url.search.replace(/^\?/, ""), "utf8").toString("base64url");
}

/** The Hub URL a cursor stands for; a cursor that does not decode is a 400. */
export function searchPageUrl(cursor: string, hubUrl: string): URL {
  const fail = () =>
    new ContractError("invalid_request", "The cursor is not one this backend handed out; search again.");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw fail();
  const query = Buffer.from(cursor, "base64url").toString("utf8");
  if (!query.includes("=") || /[\s#]/.test(query)) throw fail();
  const url = new URL(`${hubUrl}/api/models`);
  url.search = new URLSearchParams(query).toString();
  return url;
}
