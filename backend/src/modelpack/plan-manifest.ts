import { createHash } from "node:crypto";
import {
  annotationKeys,
  mediaTypes,
  modelLayerMediaType,
  type FileKind,
  type PublishTarget,
} from "@model-publisher/contract";

/** AIKit's category order: weights first, then config, docs, code, datasets. */
const kindOrder: readonly FileKind[] = ["weight", "weight.config", "doc", "code", "dataset"];

/** A file that becomes one raw layer; its digest is known before any byte is read (the Hub's LFS sha256). */
export interface LayerFile {
  path: string;
  size: number;
  /** Hex sha256 of the content. */
  sha256: string;
  kind: FileKind;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface PlannedManifest {
  /** The layers in manifest order, each with the file it comes from. */
  layers: Array<{ descriptor: Descriptor; file: LayerFile }>;
  config: { descriptor: Descriptor; bytes: Buffer };
  manifest: { bytes: Buffer; digest: string; mediaType: string; artifactType: string };
}

export function sha256Digest(bytes: Buffer | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** AIKit's per-file metadata annotation, with the same fixed mode, owner and time so manifests match. */
export function fileMetadataAnnotation(path: string, size: number): string {
  return JSON.stringify({
    name: path,
    mode: 420,
    uid: 0,
    gid: 0,
    size,
    mtime: "1970-01-01T00:00:00Z",
    typeflag: 0,
  });
}

/** Byte order of the UTF-8 paths, like AIKit's `LC_ALL=C sort`. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Orders files as AIKit's packager does: by category, then by path in byte order. */
export function orderLayerFiles(files: LayerFile[]): LayerFile[] {
  return [...files].sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || byteOrder(a.path, b.path));
}

/**
 * Plans a raw-layer manifest (one layer per file), ModelPack or generic, from files whose digests are known.
 * `makeConfig` receives the layer digests in order (ModelPack's `modelfs.diffIds`).
 */
export function planManifest(
  files: LayerFile[],
  target: PublishTarget,
  makeConfig: (layerDigests: string[]) => unknown,
): PlannedManifest {
  const ordered =
    target === "modelpack" ? orderLayerFiles(files) : [...files].sort((a, b) => byteOrder(a.path, b.path));
  const layers = ordered.map((file) => {
    const descriptor: Descriptor =
      target === "modelpack"
        ? {
            mediaType: modelLayerMediaType(file.kind, "raw"),
            digest: `sha256:${file.sha256}`,
            size: file.size,
            annotations: {
              [annotationKeys.title]: file.path,
              [annotationKeys.filepath]: file.path,
              [annotationKeys.fileMetadata]: fileMetadataAnnotation(file.path, file.size),
              [annotationKeys.untested]: "true",
            },
          }
        : {
            mediaType: mediaTypes.octetStream,
            digest: `sha256:${file.sha256}`,
            size: file.size,
            annotations: { [annotationKeys.title]: file.path },
          };
    return { descriptor, file };
  });
  const configBytes =
    target === "modelpack"
      ? Buffer.from(JSON.stringify(makeConfig(layers.map((layer) => layer.descriptor.digest))))
      : Buffer.from("{}");
  const configDescriptor: Descriptor = {
    mediaType: target === "modelpack" ? mediaTypes.modelConfig : mediaTypes.ociEmpty,
    digest: sha256Digest(configBytes),
    size: configBytes.length,
  };
  const artifactType = target === "modelpack" ? mediaTypes.modelManifest : mediaTypes.genericArtifact;
  const manifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    artifactType,
    config: configDescriptor,
    layers: layers.map((layer) => layer.descriptor),
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return {
    layers,
    config: { descriptor: configDescriptor, bytes: configBytes },
    manifest: { bytes, digest: sha256Digest(bytes), mediaType: mediaTypes.ociManifest, artifactType },
  };
}
