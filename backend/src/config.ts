import { homedir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";

/** The passthrough BuildKit image `POST /builders` uses by default: the packager PR's (SPEC.md › direct push). */
export const defaultPassthroughImage = "sozercan/buildkit:oci-layout-passthrough";
/** The AIKit frontend (SPEC.md: v0.21.0 is the minimum; `latest` follows releases). */
export const defaultFrontendImage = "ghcr.io/kaito-project/aikit/aikit:latest";

/** Default of MODEL_PUBLISHER_STALL_TIMEOUT_SECONDS: long enough for a busy registry, short of a hung job. */
export const defaultStallTimeoutSeconds = 120;

/** Default of MODEL_PUBLISHER_BUILD_IDLE_TIMEOUT_SECONDS: AIKit may hash a large file for minutes without a line. */
export const defaultBuildIdleTimeoutSeconds = 1800;

/** A Hub API call (model info, file listing) gives up after 15 s, or sooner when the stall timeout is shorter. */
export function hubCallTimeoutMs(config: Pick<Config, "stallTimeoutMs">): number {
  return Math.min(15_000, config.stallTimeoutMs);
}

/** Everything the backend reads from its environment, read once at start. */
export interface Config {
  version: string;
  /** Unix socket path (Docker Desktop), or undefined to listen on TCP. */
  socket?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port: number;
  host: string;
  hfEndpoint: string;
  dockerBin: string;
  stateDir: string;
  frontendImage: string;
  passthroughImage: string;
  /** Folder of the built UI to serve at `/` (standalone mode). */
  uiDir?: string;
  /** Seed for the Hub token when none is stored. */
  hfTokenFromEnv?: string;
  /** Jobs that may build at once. */
  concurrency: number;
  /** A Hub download or registry request that moves no byte for this long is dropped, retried, then fails. */
  stallTimeoutMs: number;
  /** A build that prints nothing for this long is stopped and its job fails with `timeout`. */
  buildIdleTimeoutMs: number;
  /**
   * REGISTRY_LOOPBACK_HOST: a `localhost`, `127.x.y.z` or `[::1]` registry is reached at this host (same port, plain
   * HTTP); undefined reaches it as named.
   */
  registryLoopbackHost?: string;
}

function packageVersion(): string {
  try {
    const url = new URL("../package.json", import.meta.url);
    const parsed: unknown = JSON.parse(readFileSync(url, "utf8"));
    if (parsed && typeof parsed === "object" && "version" in parsed && typeof parsed.version === "string") {
      return parsed.version;
    }
  } catch {
    // a bundled copy may sit elsewhere; fall through
  }
  return "0.0.0";
}

/** A number of seconds above 0 (at most a day) from the environment, or the default. */
function secondsFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 24 * 3600) {
    throw new Error(`${name} must be a number of seconds above 0, got ${raw}`);
  }
  return seconds;
}

/** The host Docker Desktop gives containers for the user's machine. */
export const desktopHostAlias = "host.docker.internal";

/**
 * REGISTRY_LOOPBACK_HOST: default `host.docker.internal` on a unix socket (Desktop's VM, where loopback is the
 * container's own), none on TCP (standalone, where loopback is the user's); set empty, it is off.
 */
export function registryLoopbackHostFrom(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.REGISTRY_LOOPBACK_HOST;
  if (raw === undefined) return env.BACKEND_SOCKET ? desktopHostAlias : undefined;
  if (raw === "") return undefined;
  let hostname: string | undefined;
  try {
    // A port, path or user part makes the parsed host name differ from the value.
    hostname = new URL(`http://${raw}`).hostname;
  } catch {
    // not a host
  }
  if (hostname === undefined || hostname !== raw.toLowerCase()) {
    throw new Error(`REGISTRY_LOOPBACK_HOST must be a host name or address without a port, got ${raw}`);
  }
  return hostname;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = env.PORT === undefined || env.PORT === "" ? 7311 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0–65535, got ${env.PORT}`);
  const concurrency = env.MODEL_PUBLISHER_CONCURRENCY ? Number(env.MODEL_PUBLISHER_CONCURRENCY) : 1;
  const stallSeconds = secondsFrom(env, "MODEL_PUBLISHER_STALL_TIMEOUT_SECONDS", defaultStallTimeoutSeconds);
  const buildIdleSeconds = secondsFrom(
    env,
    "MODEL_PUBLISHER_BUILD_IDLE_TIMEOUT_SECONDS",
    defaultBuildIdleTimeoutSeconds,
  );
  return {
    version: env.MODEL_PUBLISHER_VERSION || packageVersion(),
    socket: env.BACKEND_SOCKET || undefined,
    port,
    host: "127.0.0.1",
    hfEndpoint: (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, ""),
    dockerBin: env.DOCKER_BIN || "docker",
    stateDir: env.STATE_DIR || join(homedir(), ".local", "state", "model-publisher"),
    frontendImage: env.AIKIT_FRONTEND_IMAGE || defaultFrontendImage,
    passthroughImage: env.PASSTHROUGH_BUILDKIT_IMAGE || defaultPassthroughImage,
    uiDir: env.UI_DIR || undefined,
    hfTokenFromEnv: env.HF_TOKEN || undefined,
    concurrency: Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 1,
    stallTimeoutMs: Math.round(stallSeconds * 1000),
    buildIdleTimeoutMs: Math.round(buildIdleSeconds * 1000),
    registryLoopbackHost: registryLoopbackHostFrom(env),
  };
}
