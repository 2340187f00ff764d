import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import {
  nativeRefusal,
  parseSource,
  type ImageReference,
  type JobResult,
  type ManifestReport,
  type ModelSource,
  type PublishRequest,
} from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { HubConnection } from "../hub/hub-fetch.js";
import { publishedQuantization } from "../hub/gguf-variants.js";
import { listModelFiles, type HubModelFile } from "../hub/list-model-files.js";
import { phases } from "../jobs/phases.js";
import type { JobRunner, RunContext } from "../jobs/publish-queue.js";
import { settleTargets } from "../jobs/target-results.js";
import type { BlobLocations } from "../registry/blob-mount.js";
import { placeOrUpload } from "../registry/place-or-upload.js";
import { fetchManifestReport } from "../registry/manifest-report.js";
import type { RegistryClient } from "../registry/registry-client.js";
import { buildModelConfig } from "./model-config.js";
import { excludeFiles } from "./native/exclude-files.js";
import type { GitDigestCache } from "./native/git-digest-cache.js";
import { hubFileBytes, type HubDownloadOptions, type HubFile } from "./native/hub-download.js";
import { resolveModel, type ResolvedModel } from "../hub/resolve-model.js";
import { deliverFile } from "./native/deliver-file.js";
import {
  checkTargets,
  dropTarget,
  eachTargetByRegistry,
  forTarget,
  isLive,
  liveTargets,
  openTargets,
  targetStep,
  type CheckedBlob,
  type FanOut,
  type NativeTarget,
} from "./native/native-targets.js";
import { runBounded } from "./native/run-bounded.js";
import { planManifest, type LayerFile, type PlannedManifest } from "./plan-manifest.js";
import { quantizationFiles } from "./quantization-files.js";

export interface NativeRunnerOptions {
  /** A Hub connection with the current token (`HubService.connection`). */
  hub: () => Promise<HubConnection>;
  registry: RegistryClient;
  /** What the job history knows was pushed where: blobs another repository of a registry holds are mounted. */
  locations?: BlobLocations;
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

/** What the phases of one native publish share (its targets among them). */
interface NativeJob extends FanOut {
  ctx: RunContext;
  request: PublishRequest;
  hf: Extract<ModelSource, { kind: "huggingface" }>;
  /** The Hub connection of API calls (model info, listing). */
  api: HubConnection;
  /** Downloads: a connection whose timeout allows a whole file, with the retry settings. */
  download: Omit<HubDownloadOptions, "signal">;
  /** Small git files fetched to hash them, kept to send without a second download. */
  fetched: Map<string, Buffer>;
  log: (line: string) => void;
}

/** A blob to send: the first layer with that digest, and the file it comes from. */
interface PlannedBlob {
  layer: PlannedManifest["layers"][number];
  file: HubModelFile;
}

/**
 * Native mode: publishes a Hugging Face model to a registry without BuildKit. Raw layers' digests are the Hub's
 * LFS sha256, known before any download, so blobs the registry has are skipped and the rest stream from the Hub
 * into the registry in one pass, checked as they go. The config and manifest go last, once every blob is present.
 */
export class NativeRunner implements JobRunner {
  constructor(private readonly options: NativeRunnerOptions) {}

  async run(ctx: RunContext): Promise<JobResult> {
    const job = await this.start(ctx);
    const { hf } = job;
    const model = await ctx.phase(phases.resolving, () => resolveModel(job.api, hf.repo, hf.revision));
    job.log(`Resolved ${hf.repo}@${hf.revision} to commit ${model.commit}.`);
    const files = await ctx.phase(phases.listing, () => listFiles(job, model));
    const plan = await ctx.phase(phases.planning, () => this.plan(job, model, files));
    const tags = pushTags(job, plan);
    const blobs = blobsOf(plan, files);
    await ctx.phase(phases.checking, () => checkTargets(job, phases.checking, checkedBlobs(blobs)));
    await ctx.phase(phases.transferring, () => this.transfer(job, model, blobs));
    const reports = await ctx.phase(phases.manifest, () => this.pushManifests(job, plan, tags));
    return publishedResult(job, plan, reports);
  }

  /** Checks the request and opens what the phases share, before any phase starts. */
  private async start(ctx: RunContext): Promise<NativeJob> {
    const { request } = ctx;
    const refused = nativeRefusal(request);
    if (refused) throw new ContractError("invalid_request", refused);
    const source = parseSource(request.source);
    if (!source.ok || source.value.kind !== "huggingface")
      throw new ContractError("invalid_request", "Invalid source.");
    const halt = new AbortController();
    const signal = AbortSignal.any([ctx.signal, halt.signal]);
    const targets = openTargets(ctx, this.options.registry, signal);
    const conn = { ...(await this.options.hub()), timeoutMs: downloadRequestTimeoutMs };
    const api = await this.options.hub();
    return {
      ctx,
      signal,
      halt: (reason) => halt.abort(reason),
      request,
      hf: source.value,
      targets,
      ...(this.options.locations ? { locations: this.options.locations } : {}),
      api,
      download: { conn, ...this.options.download },
      fetched: new Map(),
      log: (line) => ctx.emit({ type: "log", stream: "backend", line }),
    };
  }

  /** The planning phase: every file's sha256 (fetching small git files), then the layers, config and manifest. */
  private async plan(job: NativeJob, model: ResolvedModel, files: HubModelFile[]): Promise<PlannedManifest> {
    const layerFiles: LayerFile[] = [];
    for (const file of files) {
      const sha256 = await this.sha256Of(file, hubFileOf(job, model, file), job.download, job.ctx.signal, job.fetched);
      layerFiles.push({ ...file, sha256 });
    }
    this.options.digestCache?.save();
    const quantization = publishedQuantization(files);
    return planManifest(layerFiles, job.request.target, (layerDigests) =>
      buildModelConfig({
        repo: job.hf.repo,
        commit: model.commit,
        layerDigests,
        weightFiles: files.filter((file) => file.kind === "weight"),
        ...(model.license ? { license: model.license } : {}),
        ...(model.parameters !== undefined ? { parameters: model.parameters } : {}),
        ...(model.architecture ? { architecture: model.architecture } : {}),
        ...(quantization ? { quantization } : {}),
        createdAt: model.createdAt,
        hfEndpoint: job.download.conn.hubUrl,
      }),
    );
  }

  /**
   * The transferring phase: each blob some target lacks is downloaded once and sent to those targets, a few files at
   * once; a target that fails is dropped and the others go on.
   */
  private async transfer(job: NativeJob, model: ResolvedModel, blobs: Map<string, PlannedBlob>): Promise<void> {
    const phase = phases.transferring;
    const lacking = (digest: string) => liveTargets(job).filter((target) => target.missing.has(digest));
    // Biggest first: the long transfers start at once and the small ones fill the gaps.
    const order = [...blobs.keys()]
      .filter((digest) => lacking(digest).length > 0)
      .sort((a, b) => (blobs.get(b)?.file.size ?? 0) - (blobs.get(a)?.file.size ?? 0));
    for (const target of liveTargets(job)) targetStep(job, target, phase, "started");
    let sent = 0;
    await runBounded(order, this.options.concurrency ?? 4, async (digest) => {
      const { layer, file } = blobs.get(digest) as PlannedBlob;
      const bytes = job.fetched.get(file.path);
      const result = await deliverFile(
        {
          fanOut: job,
          phase,
          download: job.download,
          ...(this.options.progressIntervalMs !== undefined
            ? { progressIntervalMs: this.options.progressIntervalMs }
            : {}),
        },
        {
          file: hubFileOf(job, model, file),
          sha256: layer.file.sha256,
          ...(bytes ? { bytes } : {}),
          targets: lacking(digest),
        },
      ).catch((err: unknown) => {
        // The job fails with this file: the files still on their way stop now.
        if (!job.signal.aborted) job.halt(err);
        throw err;
      });
      sent += result.bytesSent;
    });
    for (const target of liveTargets(job)) targetStep(job, target, phase, "completed");
    if (order.length > 0) job.log(`Uploaded ${order.length} blobs (${sent} bytes sent).`);
  }

  /**
   * The manifest phase, per target: the config blob, then the manifest under the target's tag once every blob is
   * there; what the registry now holds there, checked to be what was pushed.
   */
  private async pushManifests(
    job: NativeJob,
    plan: PlannedManifest,
    tags: Map<NativeTarget, string>,
  ): Promise<Map<NativeTarget, ManifestReport>> {
    const reports = new Map<NativeTarget, ManifestReport>();
    // One registry's targets one after the other: the later ones mount the config the first one pushed.
    await eachTargetByRegistry(liveTargets(job), (target) =>
      forTarget(job, target, phases.manifest, async () => {
        const { repository, signal } = target;
        await this.putConfig(job, target, plan);
        await repository.putManifest(tags.get(target) as string, plan.manifest.bytes, plan.manifest.mediaType, signal);
        const report = await fetchManifestReport(repository, target.ref, {
          insecure: job.request.insecureRegistry ?? false,
          signal,
        });
        if (report.digest !== plan.manifest.digest) {
          throw new ContractError(
            "integrity_error",
            `The registry holds ${report.digest} under ${target.ref.normalized}, not the pushed ${plan.manifest.digest}.`,
          );
        }
        job.locations?.record(repository.host, repository.name, [
          plan.config.descriptor.digest,
          ...plan.layers.map((layer) => layer.descriptor.digest),
        ]);
        reports.set(target, report);
      }),
    );
    return reports;
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

  /** The config blob into a target: there already, mounted from another repository, or uploaded from memory. */
  private async putConfig(job: NativeJob, target: NativeTarget, plan: PlannedManifest): Promise<void> {
    const { digest } = plan.config.descriptor;
    const { bytes } = plan.config;
    // The config is no file of the model: its placing is not shown as bytes, nor counted.
    await placeOrUpload({
      repository: target.repository,
      source: { digest, size: bytes.length, open: (start) => Readable.from([bytes.subarray(start)]) },
      name: "config",
      ...(job.locations ? { locations: job.locations } : {}),
      signal: target.signal,
      emit: () => undefined,
      tally: { bytesUploaded: 0, blobsSkipped: 0, blobsMounted: 0, blobsUploaded: 0 },
    });
  }
}

/** The listing phase: the model's files at the commit, the one file the source names or those not excluded. */
async function listFiles(job: NativeJob, model: ResolvedModel): Promise<HubModelFile[]> {
  const { hf, request } = job;
  const all = await listModelFiles(job.api, hf.repo, model.commit);
  if (hf.file) {
    const one = all.filter((file) => file.path === hf.file);
    if (one.length === 0) {
      throw new ContractError("model_not_found", `Model ${hf.repo} has no file ${hf.file} at ${hf.revision}.`);
    }
    return one;
  }
  const exclude = request.exclude ?? [];
  const chosen = request.quantization ? quantizationFiles(all, request.quantization, exclude, hf.repo) : undefined;
  const kept = chosen?.kept ?? excludeFiles(all, exclude);
  if (kept.length === 0) throw new ContractError("invalid_request", "The exclude patterns leave no file to publish.");
  const others = chosen?.others.length ?? 0;
  const excluded = all.length - others - kept.length;
  job.log(
    `${kept.length} files, ${kept.reduce((sum, f) => sum + f.size, 0)} bytes` +
      (chosen ? `; variant ${chosen.variant.name}, ${others} files of other variants left out` : "") +
      (excluded > 0 ? `; ${excluded} excluded by ${exclude.join(" ")}.` : "."),
  );
  return kept;
}

function hubFileOf(job: NativeJob, model: ResolvedModel, file: HubModelFile): HubFile {
  return { repo: job.hf.repo, commit: model.commit, path: file.path, size: file.size };
}

/** The tag the manifest goes under; a reference pinned to another manifest's digest is refused. */
function pushTag(ref: ImageReference, plan: PlannedManifest): string {
  if (ref.digest && ref.digest !== plan.manifest.digest) {
    throw new ContractError(
      "invalid_request",
      `The reference pins ${ref.digest}, but this model's manifest is ${plan.manifest.digest}; publish to a tag.`,
    );
  }
  return ref.tag ?? ref.digest ?? "latest";
}

/** Each target's tag; a target whose reference pins another digest fails (the job, when it is the only one). */
function pushTags(job: NativeJob, plan: PlannedManifest): Map<NativeTarget, string> {
  const tags = new Map<NativeTarget, string>();
  for (const target of job.targets) {
    try {
      tags.set(target, pushTag(target.ref, plan));
    } catch (err) {
      dropTarget(job, target, phases.planning, err);
    }
  }
  return tags;
}

/** The blobs of a plan by digest: several files may share content (one blob), each digest is checked and sent once. */
function blobsOf(plan: PlannedManifest, files: HubModelFile[]): Map<string, PlannedBlob> {
  const blobs = new Map<string, PlannedBlob>();
  for (const layer of plan.layers) {
    const file = files.find((f) => f.path === layer.file.path) as HubModelFile;
    if (!blobs.has(layer.descriptor.digest)) blobs.set(layer.descriptor.digest, { layer, file });
  }
  return blobs;
}

/** What the checking phase reports of each blob. */
function checkedBlobs(blobs: Map<string, PlannedBlob>): Map<string, CheckedBlob> {
  return new Map([...blobs].map(([digest, { file }]) => [digest, { name: file.path, size: file.size }]));
}

/**
 * The job's result: the first target's reference and the pushed manifest, and with `references` each target's
 * outcome; throws `partial_publish` when some target failed.
 */
function publishedResult(job: NativeJob, plan: PlannedManifest, reports: Map<NativeTarget, ManifestReport>): JobResult {
  const first = job.targets[0] as NativeTarget;
  const firstReport = reports.get(first);
  for (const target of liveTargets(job)) job.log(`Pushed ${target.ref.normalized} as ${plan.manifest.digest}.`);
  return settleTargets(
    {
      reference: first.ref.normalized,
      digest: plan.manifest.digest,
      mediaType: plan.manifest.mediaType,
      artifactType: plan.manifest.artifactType,
      // The layers' bytes, as GET /manifest counts them.
      totalSize: plan.layers.reduce((sum, layer) => sum + layer.descriptor.size, 0),
      ...(firstReport ? { manifest: firstReport } : {}),
    },
    job.targets.map((target) => ({
      reference: target.reference,
      ...(isLive(target) && reports.has(target) ? { digest: plan.manifest.digest } : {}),
      ...(isLive(target) ? {} : { failure: target.failure }),
    })),
    job.request.references !== undefined,
  );
}
