import { HubApiError, modelInfo, type ModelAdditionalField, type ModelEntry } from "@huggingface/hub";
import type { ModelDetails } from "@model-publisher/contract";
import { hubApiCall, hubCall, type HubConnection } from "./hub-fetch.js";
import { ggufQuantizations } from "./gguf-variants.js";
import { hubError } from "./hub-errors.js";
import { listModelFiles, type HubModelFile } from "./list-model-files.js";
import { resolveFileUrl } from "./repo-path.js";
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
    quantizations: ggufQuantizations(files),
  };
}

/**
 * A gated repo lists its files to anyone; asking for the first byte of its smallest non-empty file shows whether the
 * token may read them. Only the status is read: the body is dropped at once, even from a server that ignores Range.
 */
async function checkFileAccess(conn: HubConnection, id: string, sha: string, files: HubModelFile[]): Promise<void> {
  const probe = files
    .filter((file) => file.size > 0)
    .reduce<HubModelFile | undefined>((min, f) => (!min || f.size < min.size ? f : min), undefined);
  if (!probe) return;
  const call = hubCall(conn);
  const url = resolveFileUrl(conn.hubUrl, id, sha, probe.path);
  const context = { modelId: id, tokenSet: !!conn.token, timeoutMs: conn.timeoutMs };
  let res: Response;
  try {
    res = await call.fetch(url, { headers: { range: "bytes=0-0" } });
  } catch (err) {
    throw hubError(err, context);
  }
  await res.body?.cancel().catch(() => undefined);
  if (res.ok) return;
  throw hubError(new HubApiError(url.href, res.status), { ...context, failure: call.failure() });
}
