import { listModels } from "@huggingface/hub";
import type { ModelList, ModelSearchQuery, ModelSummary } from "@model-publisher/contract";
import { hubApiCall, type HubConnection } from "./hub-fetch.js";
import { hubError } from "./hub-errors.js";
import { modelLicense } from "./model-facts.js";
import { encodeSearchCursor, searchPageUrl } from "./search-cursor.js";

/** One page of `GET /models`; `nextCursor` carries the Hub's own next-page link. */
export async function searchModels(conn: HubConnection, query: ModelSearchQuery): Promise<ModelList> {
  const call = hubApiCall(conn, query.cursor ? { firstUrl: searchPageUrl(query.cursor, conn.hubUrl) } : {});
  const models: ModelSummary[] = [];
  try {
    const pages = listModels({
      ...(query.search ? { search: { query: query.search } } : {}),
      sort: query.sort,
      limit: query.limit,
      additionalFields: ["author", "library_name", "tags"],
      hubUrl: conn.hubUrl,
      fetch: call.fetch,
    });
    for await (const m of pages) {
      const license = modelLicense(m);
      const updated = m.updatedAt instanceof Date && !Number.isNaN(m.updatedAt.getTime()) ? m.updatedAt : undefined;
      models.push({
        id: m.name,
        author: m.author ?? m.name.split("/")[0] ?? m.name,
        downloads: m.downloads ?? 0,
        likes: m.likes ?? 0,
        lastModified: updated?.toISOString() ?? "",
        ...(m.task ? { pipelineTag: m.task } : {}),
        ...(m.library_name ? { libraryName: m.library_name } : {}),
        ...(license ? { license } : {}),
        gated: m.gated ?? false,
        private: m.private ?? false,
      });
    }
  } catch (err) {
    throw hubError(err, { tokenSet: !!conn.token, timeoutMs: conn.timeoutMs, failure: call.failure() });
  }
  const next = call.nextLink();
  const nextCursor = models.length === query.limit && next ? encodeSearchCursor(next) : undefined;
  return { models, ...(nextCursor ? { nextCursor } : {}) };
}
