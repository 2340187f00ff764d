import { modelInfo, type ModelAdditionalField, type ModelEntry } from "@huggingface/hub";
import { ContractError } from "../errors.js";
import { hubApiCall, type HubConnection } from "./hub-fetch.js";
import { hubError } from "./hub-errors.js";
import { modelArchitecture, modelLicense, modelParameters, type HubModelFields } from "./model-facts.js";

/** A model pinned to one commit, with the facts its ModelPack config carries. */
export interface ResolvedModel {
  repo: string;
  /** The commit the revision resolved to. */
  commit: string;
  /** When that commit was made; the config's `createdAt`, so the same commit always gives the same manifest. */
  createdAt: string;
  license?: string;
  parameters?: number;
  /** As the repo states it (`modelArchitecture`): the config's `architecture`. */
  architecture?: string;
}

const fields = ["sha", "cardData", "tags", "safetensors", "gguf", "config"] as ModelAdditionalField[];

/** Resolves a branch, tag or commit to its commit sha (the model info `sha`) with the model card facts. */
export async function resolveModel(conn: HubConnection, repo: string, revision: string): Promise<ResolvedModel> {
  const call = hubApiCall(conn);
  let info: ModelEntry & HubModelFields & { sha?: unknown };
  try {
    info = await modelInfo({ name: repo, revision, additionalFields: fields, hubUrl: conn.hubUrl, fetch: call.fetch });
  } catch (err) {
    throw hubError(err, {
      modelId: repo,
      revision,
      tokenSet: !!conn.token,
      timeoutMs: conn.timeoutMs,
      failure: call.failure(),
    });
  }
  if (typeof info.sha !== "string" || !/^[0-9a-f]{40}$/.test(info.sha)) {
    throw new ContractError("hub_unreachable", `The Hugging Face Hub answered no commit for ${repo}@${revision}.`);
  }
  const license = modelLicense(info);
  const parameters = modelParameters(info);
  const architecture = modelArchitecture(info);
  const updated =
    info.updatedAt instanceof Date && !Number.isNaN(info.updatedAt.getTime()) ? info.updatedAt : new Date(0);
  return {
    repo,
    commit: info.sha,
    createdAt: updated.toISOString().replace(/\.\d{3}Z$/, "Z"),
    ...(license ? { license } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    ...(architecture ? { architecture } : {}),
  };
}
