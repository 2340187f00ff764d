import { parseReference, type Builder, type CreateBuilderRequest } from "@model-publisher/contract";
import { ContractError } from "../errors.js";
import { attachEngineBuilder } from "./attach-engine-builder.js";
import { runDocker, type DockerRunResult } from "./docker-cli.js";
import { engineBuildersPsArgs, mergeBuilders, parseEngineBuilders } from "./engine-builders.js";
import { isPassthroughImage } from "./passthrough-image.js";

export { isPassthroughImage };

function field(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Parses `docker buildx ls --format json`: one builder object per line (buildx ≥ 0.13). */
export function parseBuildxLsJson(stdout: string, passthroughImage: string): Builder[] {
  const builders: Builder[] = [];
  for (const line of stdout.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("{")) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(trimmed);
    } catch {
      continue;
    }
    if (typeof raw !== "object" || raw === null) continue;
    const entry = raw as Record<string, unknown>;
    const name = field(entry.Name);
    if (!name) continue;
    const nodes = Array.isArray(entry.Nodes) ? (entry.Nodes as Array<Record<string, unknown>>) : [];
    const node = nodes[0] ?? {};
    const driverOpts = (
      typeof node.DriverOpts === "object" && node.DriverOpts !== null ? node.DriverOpts : {}
    ) as Record<string, unknown>;
    const image = field(driverOpts.image);
    const error = field(entry.Err) ?? field(entry.Error) ?? field(node.Err) ?? field(node.Error);
    const status = error ? "error" : (field(node.Status) ?? "inactive");
    builders.push({
      name,
      driver: field(entry.Driver) ?? "unknown",
      status,
      ...(field(node.Endpoint) ? { endpoint: field(node.Endpoint) } : {}),
      ...(image ? { image } : {}),
      // buildx's JSON has no such field today (docker/buildx#3175); the caller asks `buildx inspect` instead.
      current: entry.Current === true || entry.Selected === true,
      passthrough: isPassthroughImage(image, passthroughImage),
      ...(error ? { error } : {}),
    });
  }
  return builders;
}

/** Names from the text table of `docker buildx ls` (older buildx); `*` marks the current one. */
export function parseBuildxLsText(stdout: string): Array<{ name: string; current: boolean }> {
  const names: Array<{ name: string; current: boolean }> = [];
  for (const line of stdout.split("\n").slice(1)) {
    // Node rows are indented or drawn with tree characters; builder rows start at column 0.
    if (!/^[A-Za-z0-9]/.test(line)) continue;
    const [first = "", second = ""] = line.split(/\s+/);
    const current = first.endsWith("*") || second === "*";
    const name = first.replace(/\*$/, "");
    if (name) names.push({ name, current });
  }
  return names;
}

/** Parses the text of `docker buildx inspect <name>`. */
export function parseBuildxInspect(stdout: string, passthroughImage: string, current = false): Builder | undefined {
  const values = new Map<string, string>();
  let inNodes = false;
  for (const line of stdout.split("\n")) {
    const match = /^([A-Za-z][A-Za-z ]*?):\s*(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, key = "", value = ""] = match;
    if (key === "Nodes") {
      inNodes = true;
      continue;
    }
    const scoped = inNodes ? `node.${key}` : key;
    if (!values.has(scoped)) values.set(scoped, value.trim());
  }
  const name = values.get("Name");
  if (!name) return undefined;
  const image = /(?:^|\s)image="?([^"\s]+)"?/.exec(values.get("node.Driver Options") ?? "")?.[1];
  const error = values.get("Error") ?? values.get("node.Error");
  return {
    name,
    driver: values.get("Driver") ?? "unknown",
    status: error ? "error" : (values.get("node.Status") ?? "inactive"),
    ...(values.get("node.Endpoint") ? { endpoint: values.get("node.Endpoint") } : {}),
    ...(image ? { image } : {}),
    current,
    passthrough: isPassthroughImage(image, passthroughImage),
    ...(error ? { error } : {}),
  };
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1) ?? ""
  );
}

export interface BuilderServiceOptions {
  dockerBin: string;
  passthroughImage: string;
  /** Extra environment for the CLI (the backend's own `DOCKER_CONFIG`). */
  env?: NodeJS.ProcessEnv;
}

/**
 * The buildx builders the backend can use, its own and the engine's (`engine-builders.ts`): listed, inspected,
 * created and attached through the docker CLI.
 */
export class BuilderService {
  /** One listing serves the calls of a few seconds (a publish asks twice: passthrough, then existence). */
  private listing: { at: number; value: Promise<Builder[]> } | undefined;
  private static readonly listingTtlMs = 3_000;
  /** Engine builders attached (or being attached) by this process, so each is attached once. */
  private readonly attachments = new Map<string, Promise<void>>();

  constructor(private readonly options: BuilderServiceOptions) {}

  private async docker(args: string[], timeoutMs = 30_000): Promise<DockerRunResult> {
    try {
      return await runDocker(this.options.dockerBin, args, { timeoutMs, env: this.options.env });
    } catch (err) {
      throw new ContractError(
        "buildx_unavailable",
        `The docker CLI could not be started (${(err as NodeJS.ErrnoException).code ?? "error"}); install Docker with the buildx plugin.`,
      );
    }
  }

  /** Throws `buildx_unavailable` when the buildx plugin is missing. */
  async requireBuildx(): Promise<void> {
    const result = await this.docker(["buildx", "version"], 10_000);
    if (result.code !== 0) {
      throw new ContractError(
        "buildx_unavailable",
        "The docker buildx plugin is not available; install it (docker-buildx) or use another mode.",
      );
    }
  }

  async list(): Promise<Builder[]> {
    if (this.listing && Date.now() - this.listing.at < BuilderService.listingTtlMs) return this.listing.value;
    const value = this.listFresh();
    this.listing = { at: Date.now(), value };
    value.catch(() => {
      if (this.listing?.value === value) this.listing = undefined;
    });
    return value;
  }

  private async listFresh(): Promise<Builder[]> {
    const [own, engine] = await Promise.all([this.listOwn(), this.listEngine()]);
    return mergeBuilders(own, engine);
  }

  /** The engine's builder containers; none when the engine cannot be asked (no daemon, no socket). */
  private async listEngine(): Promise<Builder[]> {
    const result = await this.docker([...engineBuildersPsArgs]).catch(() => undefined);
    return result?.code === 0 ? parseEngineBuilders(result.stdout, this.options.passthroughImage) : [];
  }

  /** The builders the backend's buildx knows. */
  private async listOwn(): Promise<Builder[]> {
    await this.requireBuildx();
    // `buildx inspect` without a name describes the current builder, which the JSON listing does not mark.
    const [json, currentInspect] = await Promise.all([
      this.docker(["buildx", "ls", "--format", "json"]),
      this.docker(["buildx", "inspect"]),
    ]);
    if (json.code === 0) {
      const builders = parseBuildxLsJson(json.stdout, this.options.passthroughImage);
      if (builders.some((builder) => builder.current)) return builders;
      const current =
        currentInspect.code === 0
          ? parseBuildxInspect(currentInspect.stdout, this.options.passthroughImage)?.name
          : undefined;
      return builders.map((builder) => ({ ...builder, current: builder.name === current }));
    }
    // Older buildx has no --format: read names from the table, then inspect each.
    const table = await this.docker(["buildx", "ls"]);
    if (table.code !== 0)
      throw new ContractError("builder_error", `docker buildx ls failed: ${lastLine(table.stderr)}`);
    const builders: Builder[] = [];
    for (const { name, current } of parseBuildxLsText(table.stdout)) {
      const inspected = await this.docker(["buildx", "inspect", name]);
      const builder =
        inspected.code === 0 ? parseBuildxInspect(inspected.stdout, this.options.passthroughImage, current) : undefined;
      builders.push(
        builder ?? { name, driver: "unknown", status: "error", current, error: lastLine(inspected.stderr) },
      );
    }
    return builders;
  }

  async get(name: string): Promise<Builder> {
    const builder = (await this.list()).find((entry) => entry.name === name);
    if (!builder) throw new ContractError("builder_not_found", `There is no buildx builder named "${name}".`);
    return builder;
  }

  /** The builder buildx uses when none is named. */
  async current(): Promise<Builder | undefined> {
    return (await this.list()).find((entry) => entry.current);
  }

  /** Whether the named (or current) builder runs the passthrough BuildKit; undefined when it cannot be told. */
  async passthrough(name: string | undefined): Promise<boolean | undefined> {
    try {
      const builder = name ? await this.get(name) : await this.current();
      return builder?.passthrough;
    } catch {
      return undefined;
    }
  }

  /** Readies the named builder for `buildx build --builder`: an engine builder is attached on its first use. */
  async use(name: string): Promise<void> {
    let attaching = this.attachments.get(name);
    if (!attaching) {
      const builder = (await this.list()).find((entry) => entry.name === name);
      if (builder?.origin !== "engine") return;
      attaching = this.attachments.get(name) ?? this.attach(name);
      this.attachments.set(name, attaching);
      attaching.catch(() => this.attachments.delete(name));
    }
    return attaching;
  }

  private async attach(name: string): Promise<void> {
    const outcome = await attachEngineBuilder((args) => this.docker(args, 60_000), name);
    if (!outcome.ok) {
      throw new ContractError("builder_error", `Attaching the builder "${name}" failed: ${lastLine(outcome.stderr)}`);
    }
    this.listing = undefined;
  }

  /**
   * `docker buildx create --driver docker-container --driver-opt image=<image> --driver-opt network=host
   * --bootstrap`: on the engine's host network a direct push reaches a registry published on its `localhost`.
   */
  async create(request: CreateBuilderRequest): Promise<Builder> {
    const image = request.image ?? this.options.passthroughImage;
    const parsed = parseReference(image);
    // driver-opt values are comma-separated key=value pairs, so the image must be a plain reference.
    if (!parsed.ok || /[,="'\s]/.test(image)) {
      throw new ContractError("invalid_request", `The BuildKit image "${image}" is not a valid image reference.`);
    }
    await this.requireBuildx();
    this.listing = undefined;
    const existing = (await this.list()).find((entry) => entry.name === request.name);
    if (existing) throw new ContractError("invalid_request", `A builder named "${request.name}" already exists.`);
    const args = ["buildx", "create", "--name", request.name, "--driver", request.driver ?? "docker-container"];
    const options = ["--driver-opt", `image=${image}`, "--driver-opt", "network=host"];
    const result = await this.docker([...args, ...options, "--bootstrap"], 300_000);
    if (result.code !== 0) {
      throw new ContractError("builder_error", `Creating the builder failed: ${lastLine(result.stderr)}`);
    }
    this.listing = undefined;
    return this.get(request.name);
  }
}
