import { createHash } from "node:crypto";
import type { ModelDetails, ModelList, ModelSearchQuery } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { Logger } from "../log.js";
import type { HubConnection } from "./hub-fetch.js";
import { resolveModelFiles, type HubModelFile } from "./list-model-files.js";
import { modelDetails } from "./model-details.js";
import { searchModels } from "./search-models.js";

export interface HubServiceOptions {
  /** `HF_ENDPOINT`. */
  hubUrl: string;
  /** Read at every call, so a token stored a moment ago is used at once. */
  token: () => Promise<string | undefined>;
  logger: Logger;
  /** Per request, body included; default 15 s. */
  timeoutMs?: number;
  /** How long a search answer is reused; default 30 s. */
  searchCacheMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const searchCacheEntries = 200;

/** The Hub as the routes see it: search (briefly cached), model details, and the files a publish pins. */
export class HubService {
  private readonly searches = new Map<string, { at: number; answer: Promise<ModelList> }>();

  constructor(private readonly options: HubServiceOptions) {}

  /** A connection with the current token, for operations elsewhere (native publish). */
  async connection(): Promise<HubConnection> {
    const token = await this.options.token();
    return {
      hubUrl: this.options.hubUrl,
      timeoutMs: this.options.timeoutMs ?? 15_000,
      ...(token ? { token } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    };
  }

  /** The same query (and token) within the cache window is answered without asking the Hub again. */
  async search(query: ModelSearchQuery): Promise<ModelList> {
    const conn = await this.connection();
    const now = (this.options.now ?? Date.now)();
    const ttl = this.options.searchCacheMs ?? 30_000;
    // The token only as a short hash: who asks changes what the Hub lists (private repos).
    const who = conn.token ? createHash("sha256").update(conn.token).digest("hex").slice(0, 16) : "";
    const key = JSON.stringify([query.search ?? "", query.limit, query.sort, query.cursor ?? "", who]);
    const hit = this.searches.get(key);
    if (hit && now - hit.at < ttl) return hit.answer;
    for (const [k, entry] of this.searches) if (now - entry.at >= ttl) this.searches.delete(k);
    if (this.searches.size >= searchCacheEntries) this.searches.delete(this.searches.keys().next().value as string);
    const answer = this.logged(searchModels(conn, query), "search");
    this.searches.set(key, { at: now, answer });
    answer.catch(() => this.searches.delete(key));
    return answer;
  }

  async details(id: string, revision: string): Promise<ModelDetails> {
    return this.logged(modelDetails(await this.connection(), id, revision), "details", id);
  }

  /** The files of a model at a branch, tag or commit, pinned to the resolved commit. */
  async files(id: string, revision: string): Promise<{ sha: string; files: HubModelFile[] }> {
    return this.logged(resolveModelFiles(await this.connection(), id, revision), "files", id);
  }

  private async logged<T>(work: Promise<T>, operation: string, model?: string): Promise<T> {
    try {
      return await work;
    } catch (err) {
      if (err instanceof ContractError) {
        this.options.logger.warn({ operation, model, code: err.code, details: err.details }, "hub request failed");
      }
      throw err;
    }
  }
}
