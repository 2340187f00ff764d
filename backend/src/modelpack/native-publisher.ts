import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { nativeRefusal, parseSource, type JobResult, type NewJobEvent } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { HubConnection } from "../hub/hub-fetch.js";
import { listModelFiles, type HubModelFile } from "../hub/list-model-files.js";
import type { JobRunner, RunContext } from "../jobs/publish-queue.js";
import { uploadBlob } from "../registry/blob-upload.js";
import { fetchManifestReport } from "../registry/manifest-report.js";
import { referenceOf, type RegistryClient } from "../registry/registry-client.js";
import type { Repository } from "../registry/repository.js";
import { buildModelConfig } from "./model-config.js";
import { excludeFiles } from "./native/exclude-files.js";
import type { GitDigestCache } from "./native/git-digest-cache.js";
import { hubFileBytes, type HubDownloadOptions, type HubFile } from "./native/hub-download.js";
import { resolveModel } from "../hub/resolve-model.js";
import { runBounded } from "./native/run-bounded.js";
import { transferFile } from "./native/transfer-file.js";
import { planManifest, type LayerFile } from "./plan-manifest.js";

export interface NativeRunnerOptions {
  /** A Hub connection with the current token (`HubService.connection`). */
  hub: () => Promise<HubConnection>;
  registry: RegistryClient;
  /** Remembers the sha256 of small git files so a re-publish need not fetch them. */
  digestCache?: GitDigestCache;
  /** Files transferred at once; default 4. */
  concurrency?: number;
  /** Least time between two progress events of one file; default 250 ms. */
  progressIntervalMs?: number;
  /** Retry and stall settings of Hub downloads. */
  download?: Pick<HubDownloadOptions, "attempts" | "baseDelayMs" | "maxDelayMs" | "idleTimeoutMs">;
}

/** Longest a whole file may take; stalls are caught sooner by the download's idle timeout. */
const downloadRequestTimeoutMs = 24 * 60 * 60 * 1000;
/** Git files are small (the Hub moves anything big to LFS); larger ones are refused rather than held in memory. */
const maxGitFileBytes = 64 * 1024 * 1024;

type Phase = "resolving" | "listing" | "planning" | "checking" | "transferring" | "manifest";
const phaseNames: Record<Phase, string> = {
  resolving: "Resolve the revision to a commit",
  listing: "List the files",
  planning: "Plan the layers and config",
  checking: "Check which blobs the registry has",
  transferring: "Stream the files from the Hub into the registry",
  manifest: "Push the config and the manifest",
};

/**
 * Native mode: publishes a Hugging Face model to a registry without BuildKit. Raw layers' digests are the Hub's
 * LFS sha256, known before any download, so blobs the registry has are skipped and the rest stream from the Hub
 * into the registry in one pass, checked as they go. The config and manifest go last, once every blob is present.
 */
export class NativeRunner implements JobRunner {
  constructor(private readonly options: NativeRunnerOptions) {}

  async run(ctx: RunContext): Promise<JobResult> {
    return this.publish(ctx);
  }

  private async publish(ctx: RunContext): Promise<JobResult> {
    const { request, signal } = ctx;
    const emit = (event: NewJobEvent) => ctx.emit(event);
    const log = (line: string) => emit({ type: "log", stream: "backend", line });
    const refused = nativeRefusal(request);
    if (refused) throw new ContractError("invalid_request", refused);
    const source = parseSource(request.source);
    if (!source.ok || source.value.kind !== "huggingface")
      throw new ContractError("invalid_request", "Invalid source.");
    const hf = source.value;
    const ref = referenceOf(request.reference);
    const repository = this.options.registry.repository(ref, request.insecureRegistry ?? false);
    const conn = { ...(await this.options.hub()), timeoutMs: downloadRequestTimeoutMs };
    const listConn = await this.options.hub();
    const download = { conn, ...this.options.download };

    const phase = async <T>(id: Phase, work: () => Promise<T>): Promise<T> => {
      if (signal.aborted) throw signal.reason;
      emit({ type: "step", id: `phase:${id}`, name: phaseNames[id], status: "started" });
      try {
        const result = await work();
        emit({ type: "step", id: `phase:${id}`, name: phaseNames[id], status: "completed" });
        return result;
      } catch (err) {
        emit({
          type: "step",
          id: `phase:${id}`,
          name: phaseNames[id],
          status: "errored",
          error: err instanceof Error ? err.message : String(err),
        });
        throw err;
      }
    };

    const model = await phase("resolving", () => resolveModel(listConn, hf.repo, hf.revision));
    log(`Resolved ${hf.repo}@${hf.revision} to commit ${model.commit}.`);

    const files = await phase("listing", async () => {
      const all = await listModelFiles(listConn, hf.repo, model.commit);
      if (hf.file) {
        const one = all.filter((file) => file.path === hf.file);
        if (one.length === 0) {
          throw new ContractError("model_not_found", `Model ${hf.repo} has no file ${hf.file} at ${hf.revision}.`);
        }
        return one;
      }
      const kept = excludeFiles(all, request.exclude ?? []);
      if (kept.length === 0)
        throw new ContractError("invalid_request", "The exclude patterns leave no file to publish.");
      const excluded = all.length - kept.length;
      log(
        `${kept.length} files, ${kept.reduce((sum, f) => sum + f.size, 0)} bytes` +
          (excluded > 0 ? `; ${excluded} excluded by ${(request.exclude ?? []).join(" ")}.` : "."),
      );
      return kept;
    });

    const hubFile = (file: HubModelFile): HubFile => ({
      repo: hf.repo,
      commit: model.commit,
      path: file.path,
      size: file.size,
    });
    const fetched = new Map<string, Buffer>();
    const plan = await phase("planning", async () => {
      const layerFiles: LayerFile[] = [];
      for (const file of files) {
        layerFiles.push({ ...file, sha256: await this.sha256Of(file, hubFile(file), download, signal, fetched) });
      }
      this.options.digestCache?.save();
      return planManifest(layerFiles, request.target, (layerDigests) =>
        buildModelConfig({
          repo: hf.repo,
          commit: model.commit,
          layerDigests,
          weightFiles: files.filter((file) => file.kind === "weight"),
          ...(model.license ? { license: model.license } : {}),
          ...(model.parameters !== undefined ? { parameters: model.parameters } : {}),
          createdAt: model.createdAt,
          hfEndpoint: conn.hubUrl,
        }),
      );
    });
    const tag = ref.tag ?? ref.digest ?? "latest";
    if (ref.digest && ref.digest !== plan.manifest.digest) {
      throw new ContractError(
        "invalid_request",
        `The reference pins ${ref.digest}, but this model's manifest is ${plan.manifest.digest}; publish to a tag.`,
      );
    }

    // Several files may share content (one blob); each digest is checked and sent once.
    const blobs = new Map<string, { layer: (typeof plan.layers)[number]; file: HubModelFile }>();
    for (const layer of plan.layers) {
      const file = files.find((f) => f.path === layer.file.path) as HubModelFile;
      if (!blobs.has(layer.descriptor.digest)) blobs.set(layer.descriptor.digest, { layer, file });
    }
    const missing = await phase("checking", async () => {
      const absent: string[] = [];
      await runBounded([...blobs.keys()], 8, async (digest) => {
        const blob = blobs.get(digest) as { file: HubModelFile };
        if ((await repository.statBlob(digest, signal)).exists) {
          emit({
            type: "bytes",
            id: digest,
            name: blob.file.path,
            done: blob.file.size,
            total: blob.file.size,
            status: "skipped",
          });
        } else {
          absent.push(digest);
        }
      });
      log(`${blobs.size - absent.length} of ${blobs.size} blobs are in the registry already.`);
      return absent;
    });

    await phase("transferring", async () => {
      // Biggest first: the long transfers start at once and the small ones fill the gaps.
      const order = missing.sort((a, b) => (blobs.get(b)?.file.size ?? 0) - (blobs.get(a)?.file.size ?? 0));
      let sent = 0;
      await runBounded(order, this.options.concurrency ?? 4, async (digest) => {
        const { layer, file } = blobs.get(digest) as { layer: (typeof plan.layers)[number]; file: HubModelFile };
        const bytes = fetched.get(file.path);
        const result = await transferFile({
          repository,
          file: hubFile(file),
          sha256: layer.file.sha256,
          ...(bytes ? { bytes } : {}),
          download,
          signal,
          emit,
          ...(this.options.progressIntervalMs !== undefined
            ? { progressIntervalMs: this.options.progressIntervalMs }
            : {}),
        });
        sent += result.bytesSent;
        if (result.restarts > 0 || result.resumes > 0) {
          log(`${file.path}: ${result.resumes} upload resumes, ${result.restarts} restarts.`);
        }
      });
      if (missing.length > 0) log(`Uploaded ${missing.length} blobs (${sent} bytes sent).`);
    });

    const report = await phase("manifest", async () => {
      await this.putConfig(repository, plan.config.descriptor.digest, plan.config.bytes, signal);
      await repository.putManifest(tag, plan.manifest.bytes, plan.manifest.mediaType, signal);
      return fetchManifestReport(repository, ref, { insecure: request.insecureRegistry ?? false, signal });
    });
    if (report.digest !== plan.manifest.digest) {
      throw new ContractError(
        "integrity_error",
        `The registry holds ${report.digest} under ${tag}, not the pushed ${plan.manifest.digest}.`,
      );
    }
    log(`Pushed ${ref.normalized} as ${plan.manifest.digest}.`);
    return {
      reference: ref.normalized,
      digest: plan.manifest.digest,
      mediaType: plan.manifest.mediaType,
      artifactType: plan.manifest.artifactType,
      // The layers' bytes, as GET /manifest counts them.
      totalSize: plan.layers.reduce((sum, layer) => sum + layer.descriptor.size, 0),
      manifest: report,
    };
  }

  /** The layer digest of a file: the Hub's LFS sha256, a remembered one, or the hash of its fetched bytes. */
  private async sha256Of(
    file: HubModelFile,
    hub: HubFile,
    download: Omit<HubDownloadOptions, "signal">,
    signal: AbortSignal,
    fetched: Map<string, Buffer>,
  ): Promise<string> {
    if (file.sha256) return file.sha256;
    const cached = file.gitOid ? this.options.digestCache?.get(file.gitOid, file.size) : undefined;
    if (cached) return cached;
    if (file.size > maxGitFileBytes) {
      throw new ContractError(
        "integrity_error",
        `${file.path} is kept in git without a sha256 and is too large to hash first.`,
      );
    }
    const parts: Buffer[] = [];
    for await (const chunk of hubFileBytes(hub, 0, { ...download, signal })) parts.push(chunk);
    const bytes = Buffer.concat(parts);
    if (file.gitOid) {
      const gitOid = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
      if (gitOid !== file.gitOid) {
        throw new ContractError(
          "integrity_error",
          `The bytes of ${file.path} from the Hub do not match its git id ${file.gitOid}; nothing was tagged.`,
        );
      }
    }
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (file.gitOid) this.options.digestCache?.set(file.gitOid, file.size, sha256);
    fetched.set(file.path, bytes);
    return sha256;
  }

  private async putConfig(repository: Repository, digest: string, bytes: Buffer, signal: AbortSignal): Promise<void> {
    if ((await repository.statBlob(digest, signal)).exists) return;
    await uploadBlob(
      repository,
      { digest, size: bytes.length, open: (start) => Readable.from([bytes.subarray(start)]) },
      { signal },
    );
  }
}
