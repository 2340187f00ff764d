import { z } from "zod";
import { BuilderName, type Builder } from "@model-publisher/contract";
import { isPassthroughImage } from "./passthrough-image.js";

/**
 * A builder of the docker-container driver runs as an engine container `buildx_buildkit_<node>`, its first node
 * being `<builder>0`. Buildx keeps builders under the client's DOCKER_CONFIG, so the host's are invisible to the
 * backend in Docker Desktop, but their containers are not (EXTENSION.md › what the backend container sees).
 */
export const engineContainerPrefix = "buildx_buildkit_";

/** `docker ps` arguments that list the engine's builder containers, stopped ones too, one JSON object a line. */
export const engineBuildersPsArgs = [
  "ps",
  "--all",
  "--filter",
  `name=${engineContainerPrefix}`,
  "--format",
  "{{json .}}",
] as const;

export function engineContainerName(builder: string): string {
  return `${engineContainerPrefix}${builder}0`;
}

/** The endpoint buildx's remote driver attaches to an engine builder with. */
export function engineBuilderEndpoint(builder: string): string {
  return `docker-container://${engineContainerName(builder)}`;
}

/** `docker buildx create` arguments that attach the engine builder under its own name. */
export function attachEngineBuilderArgs(builder: string): string[] {
  return ["buildx", "create", "--name", builder, "--driver", "remote", engineBuilderEndpoint(builder)];
}

/** The fields of a `docker ps --format '{{json .}}'` line that matter here (docker/cli's container formatter). */
const PsLine = z.object({ Names: z.string(), Image: z.string().optional(), State: z.string().optional() });

/** The builder a container name belongs to: `buildx_buildkit_<builder>0` → `<builder>`; other names → undefined. */
export function engineBuilderName(containerName: string): string | undefined {
  const match = /^buildx_buildkit_(.+)0$/.exec(containerName.replace(/^\//, ""));
  const name = match?.[1];
  return name !== undefined && BuilderName.safeParse(name).success ? name : undefined;
}

/** Buildx's words for a container's state: its docker-container driver says `running` while the engine runs it. */
function builderStatus(state: string | undefined): string {
  return state === "running" || state === "paused" || state === "restarting" ? "running" : "stopped";
}

/**
 * Parses `docker ps --all --filter name=buildx_buildkit_ --format '{{json .}}'` into engine builders, sorted by name.
 * The name filter matches anywhere in a name, so containers not named exactly `buildx_buildkit_<builder>0` (a
 * second node, someone's `my_buildx_buildkit_x`) are left out.
 */
export function parseEngineBuilders(stdout: string, passthroughImage: string): Builder[] {
  const builders = new Map<string, Builder>();
  for (const line of stdout.split("\n")) {
    let raw: unknown;
    try {
      raw = JSON.parse(line.trim());
    } catch {
      continue;
    }
    const parsed = PsLine.safeParse(raw);
    if (!parsed.success) continue;
    // `Names` is comma-separated with --no-trunc (legacy links); the container's own name is the first.
    const name = parsed.data.Names.split(",").map(engineBuilderName).find(Boolean);
    if (!name || builders.has(name)) continue;
    const image = parsed.data.Image || undefined;
    builders.set(name, {
      name,
      driver: "docker-container",
      origin: "engine",
      status: builderStatus(parsed.data.State),
      ...(image ? { image } : {}),
      current: false,
      passthrough: isPassthroughImage(image, passthroughImage),
    });
  }
  return [...builders.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The backend's own builders beside the engine's, each once. An engine builder that is the container of one of the
 * backend's docker-container builders is the backend's; the remote builder the backend attached to an engine
 * builder is that engine builder.
 */
export function mergeBuilders(own: Builder[], engine: Builder[]): Builder[] {
  const attached = (b: Builder) =>
    b.driver === "remote" && b.endpoint === engineBuilderEndpoint(b.name) && engine.some((e) => e.name === b.name);
  const backend = own.filter((b) => !attached(b)).map((b): Builder => ({ ...b, origin: "backend" }));
  return [...backend, ...engine.filter((e) => !backend.some((b) => b.name === e.name))];
}
