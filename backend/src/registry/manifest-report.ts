import type { ImageReference, ManifestLayer, ManifestReport } from "@model-publisher/contract";
import { isLoopbackRegistry, mediaTypes } from "@model-publisher/contract";
import { RegistryError } from "./errcode.js";
import type { FetchedManifest, Repository } from "./repository.js";

/** Config blobs we read and show (ModelPack configs are a few KiB). */
export const maxConfigBytes = 1024 * 1024;

interface ParsedManifest {
  mediaType?: string;
  artifactType?: string;
  config?: { mediaType?: string; digest?: string; size?: number };
  layers?: Array<{ digest?: string; size?: number; mediaType?: string; annotations?: Record<string, string> }>;
}

export function parseManifestJson(bytes: Uint8Array): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(bytes).toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new RegistryError("registry_error", "The registry answered a manifest that is not a JSON object.");
}

/**
 * Ready-to-copy commands that fetch the artifact; plain HTTP registries get the flags they need. A ModelPack artifact
 * also gets Docker Model Runner's pull, which recognises it by that artifactType.
 */
export function pullCommands(
  ref: ImageReference,
  artifactType: string | undefined,
  layers: ManifestLayer[],
  insecure = false,
) {
  const plain = insecure || isLoopbackRegistry(ref.registry);
  const target = ref.normalized;
  const dir = ref.repository.split("/").pop() ?? "model";
  const raw = layers.length > 0 && layers.every((l) => l.mediaType.endsWith(".raw"));
  return {
    oras: `oras pull ${plain ? "--plain-http " : ""}${target} -o ${dir}`,
    skopeo: `skopeo copy ${plain ? "--src-tls-verify=false " : ""}docker://${target} dir:${dir}`,
    ...(artifactType === mediaTypes.modelManifest && raw ? { aikit: `source: oci://${target}` } : {}),
    ...(artifactType === mediaTypes.modelManifest ? { dockerModel: `docker model pull ${target}` } : {}),
  };
}

/** Builds the report of `GET /manifest` from the fetched manifest and its parsed config (pure). */
export function buildManifestReport(
  ref: ImageReference,
  fetched: FetchedManifest,
  config: unknown,
  insecure = false,
): ManifestReport {
  const manifest = parseManifestJson(fetched.bytes);
  const parsed = manifest as ParsedManifest;
  const layers: ManifestLayer[] = (parsed.layers ?? []).map((layer) => {
    const annotations = layer.annotations ?? {};
    const path = annotations["org.cncf.model.filepath"] ?? annotations["org.opencontainers.image.title"];
    return {
      digest: layer.digest ?? "",
      size: layer.size ?? 0,
      mediaType: layer.mediaType ?? "",
      ...(path ? { path } : {}),
      annotations,
    };
  });
  const artifactType = parsed.artifactType ?? parsed.config?.mediaType;
  return {
    reference: ref.normalized,
    digest: fetched.digest,
    mediaType: parsed.mediaType ?? fetched.mediaType,
    ...(artifactType ? { artifactType } : {}),
    size: fetched.bytes.length,
    manifest,
    ...(config !== undefined ? { config } : {}),
    layers,
    totalSize: layers.reduce((sum, layer) => sum + layer.size, 0),
    pullCommands: pullCommands(ref, artifactType, layers, insecure),
  };
}

/** Fetches a manifest and its config blob (when JSON and small) and reports them. */
export async function fetchManifestReport(
  repo: Repository,
  ref: ImageReference,
  options: { insecure?: boolean; signal?: AbortSignal } = {},
): Promise<ManifestReport> {
  const fetched = await repo.getManifest(ref.digest ?? ref.tag ?? "latest", options.signal);
  const parsed = parseManifestJson(fetched.bytes) as ParsedManifest;
  let config: unknown;
  const descriptor = parsed.config;
  if (descriptor?.digest && (descriptor.size ?? 0) <= maxConfigBytes && /json/.test(descriptor.mediaType ?? "")) {
    const bytes = await repo.readBlob(descriptor.digest, maxConfigBytes, options.signal);
    try {
      config = JSON.parse(bytes.toString("utf8"));
    } catch {
      config = undefined;
    }
  }
  return buildManifestReport(ref, fetched, config, options.insecure);
}
