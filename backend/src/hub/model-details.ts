import { fileDownloadInfo, modelInfo, type ModelAdditionalField, type ModelEntry } from "@huggingface/hub";
import type { ModelDetails } from "@model-publisher/contract";
import { hubApiCall, type HubConnection } from "./hub-fetch.js";
import { hubError } from "./hub-errors.js";
import { listModelFiles, type HubModelFile } from "./list-model-files.js";
import { modelLicense, modelParameters, type HubModelFields } from "./model-facts.js";

// The Hub expands `gguf` too, though the library's list of keys lacks it.
const detailFields = ["sha", "cardData", "tags", "library_name", "safetensors", "gguf"] as ModelAdditionalField[];

/** `GET /models/{id}?revision=`: model facts at the resolved commit and its files; 403 when gated and not granted. */
export async function modelDetails(conn: HubConnection, id: string, revision: string): Promise<ModelDetails> {
  const context = { modelId: id, revision, tokenSet: !!conn.token, timeoutMs: conn.timeoutMs };
  const call = hubApiCall(conn);
  let info: ModelEntry & HubModelFields & { sha?: unknown; library_name?: unknown };
  try {
    info = await modelInfo({
      name: id,
      revision,
      additionalFields: detailFields,
      hubUrl: conn.hubUrl,
      fetch: call.fetch,
    });
  } catch (err) {
    throw hubError(err, { ...context, failure: call.failure() });
  }
  const sha = typeof info.sha === "string" ? info.sha : revision;
  const files = await listModelFiles(conn, id, sha);
  if (info.gated) await checkFileAccess(conn, id, sha, files);
  const parameters = modelParameters(info);
  const license = modelLicense(info);
  const libraryName = typeof info.library_name === "string" ? info.library_name : undefined;
  return {
    id,
    revision,
    sha,
    gated: info.gated ?? false,
    private: info.private ?? false,
    ...(license ? { license } : {}),
    ...(info.task ? { pipelineTag: info.task } : {}),
    ...(libraryName ? { libraryName } : {}),
    ...(parameters !== undefined ? { parameters } : {}),
    files: files.map(({ path, size, sha256, kind }) => ({ path, size, ...(sha256 ? { sha256 } : {}), kind })),
    totalSize: files.reduce((sum, file) => sum + file.size, 0),
  };
}

/** A gated repo lists its files to anyone; asking for one byte of the smallest file shows whether the token may read. */
async function checkFileAccess(conn: HubConnection, id: string, sha: string, files: HubModelFile[]): Promise<void> {
  const smallest = files.reduce<HubModelFile | undefined>((min, f) => (!min || f.size < min.size ? f : min), undefined);
  if (!smallest) return;
  const call = hubApiCall(conn);
  try {
    await fileDownloadInfo({ repo: id, path: smallest.path, revision: sha, hubUrl: conn.hubUrl, fetch: call.fetch });
  } catch (err) {
    throw hubError(err, { modelId: id, tokenSet: !!conn.token, timeoutMs: conn.timeoutMs, failure: call.failure() });
  }
}
