import { listFiles } from "@huggingface/hub";
import type { ModelFile } from "@model-publisher/contract";
import { classifyFile } from "./classify-file.js";
import { hubApiCall, type HubConnection } from "./hub-fetch.js";
import { hubError } from "./hub-errors.js";
import { ContractError } from "../errors.js";
import { repoPathProblem } from "./repo-path.js";
import { resolveModel } from "./resolve-model.js";

/** A repo file as publishing needs it: the contract's file plus whether its bytes live in LFS. */
export interface HubModelFile extends ModelFile {
  /** True when the Hub stores the file in LFS (or Xet): its `sha256` is then known before download. */
  lfs: boolean;
  /** Git blob id: a content address for files kept in git (their sha256 is not listed). */
  gitOid?: string;
}

/** Every file of a model at one commit (all tree pages), with LFS sha256, size and AIKit kind, sorted by path. */
export async function listModelFiles(conn: HubConnection, repo: string, commit: string): Promise<HubModelFile[]> {
  const call = hubApiCall(conn);
  const files: HubModelFile[] = [];
  try {
    for await (const entry of listFiles({
      repo,
      revision: commit,
      recursive: true,
      hubUrl: conn.hubUrl,
      fetch: call.fetch,
    })) {
      if (entry.type !== "file") continue;
      const size = entry.lfs?.size ?? entry.size;
      files.push({
        path: entry.path,
        size,
        ...(entry.lfs ? { sha256: entry.lfs.oid } : {}),
        kind: classifyFile(entry.path, size),
        lfs: entry.lfs !== undefined,
        ...(entry.oid ? { gitOid: entry.oid } : {}),
      });
    }
  } catch (err) {
    throw hubError(err, {
      modelId: repo,
      revision: commit,
      tokenSet: !!conn.token,
      timeoutMs: conn.timeoutMs,
      failure: call.failure(),
    });
  }
  for (const file of files) {
    const problem = repoPathProblem(file.path);
    if (problem) {
      // JSON.stringify shows a newline or NUL as an escape, so the message stays one safe line.
      throw new ContractError(
        "unsafe_file_path",
        `The Hub lists a file ${JSON.stringify(file.path).slice(0, 300)} in ${repo} that cannot be a file inside the repo (${problem}); refusing to use this repo.`,
        { path: file.path, reason: problem },
      );
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Resolves a branch, tag or commit to its commit sha, then lists the files there (what the native publisher pins). */
export async function resolveModelFiles(
  conn: HubConnection,
  repo: string,
  revision: string,
): Promise<{ sha: string; files: HubModelFile[] }> {
  const { commit } = await resolveModel(conn, repo, revision);
  return { sha: commit, files: await listModelFiles(conn, repo, commit) };
}
