import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  mediaTypes,
  parseSource,
  publishTargets,
  type JobResult,
  type ManifestReport,
  type NewJobEvent,
} from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import type { JobRunner, RunContext } from "../jobs/publish-queue.js";
import { phases } from "../jobs/phases.js";
import { settleTargets } from "../jobs/target-results.js";
import { readLayoutManifest } from "../registry/layout-pusher.js";
import { buildCommand, tokenEnvVar } from "./build-args.js";
import type { ResolvedModel } from "../hub/resolve-model.js";
import { completeLayoutConfig } from "../modelpack/complete-layout-config.js";
import type { ModelpackConfig } from "../modelpack/model-config.js";
import { quantizationFiles } from "../modelpack/quantization-files.js";
import { RawjsonProgress } from "./rawjson.js";
import { variantExcludeGlobs } from "./variant-excludes.js";
import { pushEachTarget, type TargetPush } from "./target-pushes.js";

export interface BuildProcessOptions {
  dockerBin: string;
  args: string[];
  /** Added to the child's environment only (the Hub token travels here). */
  env: NodeJS.ProcessEnv;
  /** Variables removed from the inherited environment (a token seeded into the backend's own env). */
  unsetEnv?: string[];
  signal: AbortSignal;
  /** Every output line, stdout and stderr. */
  onLine: (line: string, stream: "stdout" | "stderr") => void;
  /** Wait between SIGINT, SIGTERM and SIGKILL when stopping. */
  graceMs?: number;
  /** Stops the build when it prints nothing for this long (a builder stuck on a dead connection). */
  idleTimeoutMs?: number;
}

export interface BuildProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The build was stopped because it printed nothing for `idleTimeoutMs`. */
  idledOut: boolean;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

/**
 * Runs `docker buildx build` without a shell, the empty Dockerfile on stdin, in its own process group so a cancel
 * reaches buildx and everything it started: SIGINT (what Ctrl-C sends), then SIGTERM, then SIGKILL.
 */
export function runBuildProcess(options: BuildProcessOptions): Promise<BuildProcessResult> {
  const graceMs = options.graceMs ?? 1_500;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of options.unsetEnv ?? []) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve, reject) => {
    const child = spawn(options.dockerBin, options.args, {
      shell: false,
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
      env,
    });
    const timers: NodeJS.Timeout[] = [];
    let stopping = false;
    const stop = () => {
      if (stopping || child.pid === undefined) return;
      stopping = true;
      const pid = child.pid;
      signalGroup(pid, "SIGINT");
      timers.push(setTimeout(() => signalGroup(pid, "SIGTERM"), graceMs));
      timers.push(setTimeout(() => signalGroup(pid, "SIGKILL"), 2 * graceMs));
    };
    if (options.signal.aborted) stop();
    options.signal.addEventListener("abort", stop, { once: true });
    let idledOut = false;
    let idleTimer: NodeJS.Timeout | undefined;
    const stillAlive = () => {
      if (options.idleTimeoutMs === undefined) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idledOut = true;
        stop();
      }, options.idleTimeoutMs);
    };
    stillAlive();
    const streams = [
      [child.stdout, "stdout"],
      [child.stderr, "stderr"],
    ] as const;
    const closed = streams.map(
      ([stream, name]) =>
        new Promise<void>((done) => {
          const lines = createInterface({ input: stream, crlfDelay: Infinity });
          lines.on("line", (line) => {
            stillAlive();
            options.onLine(line, name);
          });
          lines.on("close", done);
        }),
    );
    child.on("error", (err) => {
      options.signal.removeEventListener("abort", stop);
      timers.forEach(clearTimeout);
      clearTimeout(idleTimer);
      reject(err);
    });
    child.on("exit", (code, signal) => {
      options.signal.removeEventListener("abort", stop);
      timers.forEach(clearTimeout);
      clearTimeout(idleTimer);
      // Anything buildx left behind in its group goes too once a stop was asked for.
      if (stopping && child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      void Promise.all(closed).then(() => resolve({ code, signal, idledOut }));
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end("");
  });
}

/** What the registry holds under a reference, as far as the runner needs it. */
export interface PublishedManifest {
  digest: string;
  mediaType: string;
  artifactType?: string;
  configMediaType?: string;
  totalSize: number;
  /** The manifest report, when the registry side makes one. */
  report?: ManifestReport;
}

/** The registry side of a buildx publish, supplied by the registry client. */
export interface RegistryAccess {
  /** Export mode: pushes the OCI layout in `dir` to `reference`, every byte as it is. */
  pushLayout(options: {
    dir: string;
    reference: string;
    insecure: boolean;
    signal: AbortSignal;
    onProgress: (event: Extract<NewJobEvent, { type: "bytes" }>) => void;
  }): Promise<PublishedManifest>;
  /**
   * Direct mode's other targets: copies the manifest `digest` (and its blobs) from `from` to `reference`, registry to
   * registry, the manifest's bytes as they are.
   */
  copy(options: {
    from: { reference: string; insecure: boolean };
    digest: string;
    reference: string;
    insecure: boolean;
    signal: AbortSignal;
    onProgress: (event: Extract<NewJobEvent, { type: "bytes" }>) => void;
  }): Promise<PublishedManifest>;
  /** Reads the manifest now under `reference`. */
  inspect(options: { reference: string; insecure: boolean; signal: AbortSignal }): Promise<PublishedManifest>;
}

const artifactConfigTypes: readonly string[] = [mediaTypes.modelConfig, mediaTypes.ociEmpty, mediaTypes.genericConfig];

/** True when the manifest is the AIKit artifact (ModelPack or generic), not an ordinary image of the layout's files. */
export function isArtifactManifest(manifest: Pick<PublishedManifest, "artifactType" | "configMediaType">): boolean {
  if (manifest.artifactType) return true;
  return manifest.configMediaType !== undefined && artifactConfigTypes.includes(manifest.configMediaType);
}

export interface BuildxRunnerOptions {
  dockerBin: string;
  stateDir: string;
  frontendImage: string;
  /** The Hub token, read when a job starts. */
  hfToken: () => Promise<string | undefined>;
  /** The builder a request without one uses (the settings' or buildx's current one). */
  defaultBuilder: () => Promise<string | undefined>;
  /** Readies the builder before the build (an engine builder is attached through the remote driver). */
  useBuilder?: (name: string) => Promise<void>;
  registry: RegistryAccess;
  /** Extra environment for the CLI (the backend's own `DOCKER_CONFIG`). */
  env?: NodeJS.ProcessEnv;
  graceMs?: number;
  /** A build that prints nothing for this long is stopped and the job fails with `timeout`. */
  idleTimeoutMs?: number;
  /**
   * Lists a Hub repo's files (throwing `unsafe_file_path` for a path that cannot be inside the repo); when given, a
   * whole-repo Hub source is listed before the build starts, so such a repo is refused before anything is written, and
   * a chosen GGUF variant becomes exclude globs for the others. Needed for a request with a `quantization`.
   */
  listHubFiles?: (repo: string, revision: string) => Promise<{ files: Array<{ path: string; size: number }> }>;
  /**
   * The Hub model a build fetched, pinned to a commit with its card's facts: export mode writes them into the
   * ModelPack config when AIKit's lacks the spec's members. Without it the config says what the layout alone does.
   */
  resolveHubModel?: (repo: string, revision: string) => Promise<ResolvedModel>;
  /** `HF_ENDPOINT`, for the config's `sourceURL`. */
  hubUrl?: string;
}

/** Where the build went: the first target, as the build command names it. */
interface BuiltTarget {
  reference: string;
  insecure: boolean;
}

/** What a build's publish left: the manifest that stands for the job, and every target's push in request order. */
interface PublishOutcome {
  published: PublishedManifest;
  targets: TargetPush[];
}

/** The layout's own manifest, summarized: what every push of it is (for a result when no push got through). */
async function layoutManifest(dir: string): Promise<PublishedManifest> {
  const { descriptor, bytes } = await readLayoutManifest(dir);
  const manifest = JSON.parse(bytes.toString("utf8")) as {
    mediaType?: string;
    artifactType?: string;
    config?: { mediaType?: string };
    layers?: Array<{ size?: number }>;
  };
  return {
    digest: descriptor.digest,
    mediaType: manifest.mediaType ?? descriptor.mediaType,
    ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.config?.mediaType ? { configMediaType: manifest.config.mediaType } : {}),
    totalSize: (manifest.layers ?? []).reduce((sum, layer) => sum + (layer.size ?? 0), 0),
  };
}

/** Publishes through `docker buildx build`: direct (the builder pushes) or export (the backend pushes the layout). */
export class BuildxRunner implements JobRunner {
  constructor(private readonly options: BuildxRunnerOptions) {}

  async run(ctx: RunContext): Promise<JobResult> {
    if (ctx.mode !== "direct" && ctx.mode !== "export") {
      throw new ContractError("invalid_request", `The buildx runner does not run ${ctx.mode} jobs.`);
    }
    const mode = ctx.mode;
    const exclude = await this.listHubFiles(ctx);
    const token = await this.options.hfToken();
    const builder = ctx.request.builder ?? (await this.options.defaultBuilder()) ?? "default";
    // Attaching an engine builder may take a while (one per builder, shared by the jobs using it): a cancel stops
    // this job's wait for it, not the attachment.
    if (this.options.useBuilder) await untilAborted(this.options.useBuilder(builder), ctx.signal);
    const frontendImage = ctx.request.frontendImage ?? this.options.frontendImage;
    const tmpRoot = join(this.options.stateDir, "tmp");
    await mkdir(tmpRoot, { recursive: true, mode: 0o700 });
    const workDir = await mkdtemp(join(tmpRoot, `job-${ctx.job.id.slice(0, 8)}-`));
    try {
      const contextDir = join(workDir, "context");
      const exportDir = join(workDir, "out");
      const metadataFile = join(workDir, "metadata.json");
      await mkdir(contextDir);
      const command = buildCommand({
        request: exclude ? { ...ctx.request, exclude } : ctx.request,
        mode,
        builder,
        frontendImage,
        metadataFile,
        exportDir,
        contextDir,
        tokenSet: token !== undefined,
      });
      if (!command.ok) throw new ContractError(command.code, `Invalid ${command.field}: ${command.reason}.`);
      ctx.emit({ type: "log", stream: "backend", line: `docker ${command.args.join(" ")}` });

      const progress = new RawjsonProgress([token]);
      const result = await runBuildProcess({
        dockerBin: this.options.dockerBin,
        args: command.args,
        env: { ...this.options.env, ...(token ? { [tokenEnvVar]: token } : {}) },
        unsetEnv: token ? [] : [tokenEnvVar],
        signal: ctx.signal,
        graceMs: this.options.graceMs,
        idleTimeoutMs: this.options.idleTimeoutMs,
        onLine: (line) => {
          const events = progress.push(line);
          if (events.length > 0) ctx.emit(events);
        },
      }).catch((err: unknown) => {
        throw new ContractError(
          "buildx_unavailable",
          `The docker CLI could not be started (${(err as NodeJS.ErrnoException).code ?? "error"}).`,
        );
      });
      const rest = progress.end();
      if (rest.length > 0) ctx.emit(rest);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (result.idledOut) {
        const seconds = Math.round((this.options.idleTimeoutMs ?? 0) / 1000);
        const quiet = seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 6) / 10} min`;
        throw new ContractError(
          "timeout",
          `The build printed nothing for ${quiet} and was stopped (is the builder stuck on the Hub or the registry?).`,
        );
      }
      if (result.code !== 0) {
        throw new ContractError(
          "build_failed",
          progress.failureMessage() ?? `docker buildx build ended with ${result.code ?? result.signal}.`,
        );
      }
      return await this.publishBuilt(ctx, mode, command, metadataFile, join(exportDir, "layout"));
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** After the build: the first target checked (direct) or the layout pushed (export), then the other targets. */
  private async publishBuilt(
    ctx: RunContext,
    mode: "direct" | "export",
    command: { reference: string; insecure: boolean; args: string[] },
    metadataFile: string,
    layoutDir: string,
  ): Promise<JobResult> {
    const metadataDigest = await readMetadataDigest(metadataFile);
    const built = { reference: command.reference, insecure: command.insecure };
    const { published, targets } =
      mode === "direct" ? await this.publishDirect(ctx, built) : await this.publishExport(ctx, layoutDir, built);
    const digest = mode === "direct" ? (metadataDigest ?? published.digest) : published.digest;
    if (metadataDigest && metadataDigest !== published.digest && mode === "direct") {
      ctx.emit({
        type: "log",
        stream: "backend",
        line: `The builder reported ${metadataDigest}, the registry holds ${published.digest}.`,
      });
    }
    const jobResult: JobResult = {
      reference: command.reference,
      digest,
      mediaType: published.mediaType,
      ...(published.artifactType ? { artifactType: published.artifactType } : {}),
      totalSize: published.totalSize,
      command: ["docker", ...command.args],
      ...(published.report && targets[0]?.published ? { manifest: published.report } : {}),
    };
    const outcomes = targets.map((target) => ({
      reference: target.reference,
      ...(target.published ? { digest: target.published.digest } : {}),
      ...(target.failure !== undefined ? { failure: target.failure } : {}),
    }));
    return settleTargets(jobResult, outcomes, ctx.request.references !== undefined);
  }

  /**
   * Lists the repo the build will fetch, so a repo with a hostile file path fails before BuildKit writes a byte; a
   * chosen GGUF variant turns into exclude globs for the other variants' files. Answers the exclude the build gets.
   */
  private async listHubFiles(ctx: RunContext): Promise<string[] | undefined> {
    const { request } = ctx;
    const source = parseSource(request.source);
    const list = this.options.listHubFiles;
    if (!source.ok || source.value.kind !== "huggingface" || source.value.file) return request.exclude;
    const { repo, revision } = source.value;
    const name = request.quantization;
    if (!list) {
      if (name === undefined) return request.exclude;
      throw new ContractError("invalid_request", `The Hub's files of ${repo} cannot be listed to choose ${name}.`);
    }
    return ctx.phase(phases.listing, async () => {
      const { files } = await list(repo, revision);
      if (name === undefined) return request.exclude;
      const own = request.exclude ?? [];
      const { others } = quantizationFiles(files, name, own, repo);
      const globs = variantExcludeGlobs(files, others, own);
      ctx.emit({
        type: "log",
        stream: "backend",
        line: `Variant ${name}: ${others.length} files of other variants left out by ${globs.length} exclude globs.`,
      });
      return [...own, ...globs];
    });
  }

  /**
   * Export mode: AIKit writes `{}` as the ModelPack config, which lacks the spec's descriptor, config and modelfs
   * (and so says nothing of format or quantization to a puller such as Docker Model Runner); the backend writes the
   * config native mode would, which gives the artifact a new manifest digest. A complete config stays as it is.
   */
  private async completeConfig(ctx: RunContext, dir: string): Promise<void> {
    const source = parseSource(ctx.request.source);
    const hf = source.ok && source.value.kind === "huggingface" ? source.value : undefined;
    const log = (line: string) => ctx.emit({ type: "log", stream: "backend", line });
    await ctx.phase(phases.configuring, async () => {
      const facts = async () => {
        const model = hf ? await this.hubFacts(ctx, hf.repo, hf.revision) : undefined;
        return {
          name: ctx.request.name ?? (hf ? (hf.repo.split("/")[1] ?? hf.repo) : "model"),
          ...(model ? { model } : {}),
          ...(ctx.request.quantization ? { quantization: ctx.request.quantization } : {}),
          ...(this.options.hubUrl ? { hfEndpoint: this.options.hubUrl } : {}),
        };
      };
      const completed = await completeLayoutConfig(dir, facts, ctx.signal);
      if (completed.written) {
        log(
          `The builder's ModelPack config lacks the spec's descriptor, config and modelfs; the backend wrote one with ${describeConfig(completed.config)} (manifest ${completed.previousDigest} is now ${completed.digest}).`,
        );
      } else if (completed.reason === "zstd-layers") {
        log(
          "The ModelPack config is left as the builder wrote it: zstd layers are not decoded here to name their diffIds.",
        );
      }
    });
  }

  /**
   * The Hub's facts of the model the build fetched, for its config. The build is done and its layout whole, so a Hub
   * that does not answer now costs the config its descriptor and card facts, not the publish.
   */
  private async hubFacts(ctx: RunContext, repo: string, revision: string): Promise<ResolvedModel | undefined> {
    const resolve = this.options.resolveHubModel;
    if (!resolve) return undefined;
    try {
      return await resolve(repo, revision);
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const why = err instanceof Error ? err.message : String(err);
      ctx.emit({
        type: "log",
        stream: "backend",
        line: `The Hub's facts of ${repo} could not be read (${why}); the config says what the layout does.`,
      });
      return undefined;
    }
  }

  private verifyDirect(ctx: RunContext, reference: string, insecure: boolean): Promise<PublishedManifest> {
    return ctx.phase(
      phases.verifying,
      async () => {
        const manifest = await this.options.registry.inspect({ reference, insecure, signal: ctx.signal });
        if (!isArtifactManifest(manifest)) {
          throw new ContractError(
            "builder_not_passthrough",
            `The builder pushed an ordinary image, not the model artifact: its BuildKit does not pass the OCI layout through. Use export mode (or native mode), or a builder running the passthrough BuildKit.`,
          );
        }
        return manifest;
      },
      // Only the plain image ends the step errored; a registry failure shows as the job's error alone.
      {
        stepError: (err) =>
          err instanceof ContractError && err.code === "builder_not_passthrough" ? "plain image" : undefined,
      },
    );
  }

  /**
   * Direct mode: the builder pushed to the first target; once that is checked, the other targets get a registry to
   * registry copy of it (blob by blob, mounted within a registry, the manifest's bytes as they are).
   */
  private async publishDirect(ctx: RunContext, built: BuiltTarget): Promise<PublishOutcome> {
    const published = await this.verifyDirect(ctx, built.reference, built.insecure);
    // Named as the request gives it, like every other target (built.reference is the normalized one).
    const first: TargetPush = { reference: publishTargets(ctx.request)[0] as string, published };
    const others = publishTargets(ctx.request).slice(1);
    if (others.length === 0) return { published, targets: [first] };
    const copies = await ctx.phase(
      phases.copying,
      () =>
        pushEachTarget(ctx, phases.copying, others, true, (reference, onProgress) =>
          this.options.registry.copy({
            from: built,
            digest: published.digest,
            reference,
            insecure: ctx.request.insecureRegistry ?? false,
            signal: ctx.signal,
            onProgress,
          }),
        ),
      { stepError: () => undefined },
    );
    return { published, targets: [first, ...copies] };
  }

  /** Export mode: the layout's config completed when AIKit left it empty, then pushed to every target as it is. */
  private async publishExport(ctx: RunContext, dir: string, built: BuiltTarget): Promise<PublishOutcome> {
    if ((ctx.request.target ?? "modelpack") === "modelpack") await this.completeConfig(ctx, dir);
    const references = publishTargets(ctx.request);
    const targets = await ctx.phase(
      phases.pushing,
      () =>
        pushEachTarget(ctx, phases.pushing, references, references.length > 1, (reference, onProgress) =>
          this.options.registry.pushLayout({
            dir,
            reference: reference === ctx.request.reference ? built.reference : reference,
            insecure: reference === ctx.request.reference ? built.insecure : (ctx.request.insecureRegistry ?? false),
            signal: ctx.signal,
            onProgress,
          }),
        ),
      // A failed push shows as the job's error alone (or, with several targets, as that target's step).
      { stepError: () => undefined },
    );
    const published = targets.find((target) => target.published)?.published ?? (await layoutManifest(dir));
    return { published, targets };
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** The filled config fields, for the job's log. */
function describeConfig(config: ModelpackConfig): string {
  const fields = Object.entries(config.config).map(([key, value]) => `${key} ${String(value)}`);
  return [...fields, `${config.modelfs.diffIds.length} diffIds`].join(", ");
}

/** `containerimage.digest` from buildx's metadata file, when the export wrote one. */
export async function readMetadataDigest(file: string): Promise<string | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    if (parsed && typeof parsed === "object" && "containerimage.digest" in parsed) {
      const digest = (parsed as Record<string, unknown>)["containerimage.digest"];
      if (typeof digest === "string" && /^sha256:[0-9a-f]{64}$/.test(digest)) return digest;
    }
  } catch {
    // no metadata file (export mode, or a failed write): the registry's digest is used
  }
  return undefined;
}
