// Checks the extension's packaging the way `docker extension validate` and the Marketplace do:
// metadata.json against its schema, the compose file's single service, the final image's labels, and the host binaries.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, resolve } from "node:path";
import { Ajv } from "ajv";
import { parse as parseYaml } from "yaml";

export const requiredLabels = [
  "org.opencontainers.image.title",
  "org.opencontainers.image.description",
  "org.opencontainers.image.vendor",
  "com.docker.desktop.extension.api.version",
  "com.docker.desktop.extension.icon",
  "com.docker.extension.screenshots",
  "com.docker.extension.detailed-description",
  "com.docker.extension.publisher-url",
  "com.docker.extension.additional-urls",
  "com.docker.extension.changelog",
  "com.docker.extension.categories",
] as const;

/** The Marketplace's fixed category set. */
export const marketplaceCategories = new Set([
  "ci-cd",
  "container-orchestration",
  "cloud-deployment",
  "cloud-development",
  "database",
  "kubernetes",
  "networking",
  "image-registry",
  "security",
  "testing-tools",
  "utility-tools",
  "volumes",
]);

/** Splits a Dockerfile into instructions, joining `\` continuations and dropping comments. */
export function dockerfileInstructions(text: string): Array<{ keyword: string; args: string }> {
  const out: Array<{ keyword: string; args: string }> = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (pending === "" && /^\s*#/.test(line)) continue;
    if (pending !== "" && /^\s*#/.test(line)) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = "";
    if (full === "") continue;
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match) out.push({ keyword: (match[1] as string).toUpperCase(), args: match[2] as string });
  }
  return out;
}

/** Parses `key=value` pairs of a LABEL instruction; values may be "double" (with escapes), 'single' or bare. */
export function parseLabelArgs(args: string): Map<string, string> {
  const labels = new Map<string, string>();
  let i = 0;
  const n = args.length;
  while (i < n) {
    while (i < n && /\s/.test(args[i] as string)) i++;
    if (i >= n) break;
    let key = "";
    while (i < n && args[i] !== "=" && !/\s/.test(args[i] as string)) key += args[i++];
    if (args[i] !== "=") throw new Error(`LABEL ${key} has no value`);
    i++;
    let value = "";
    while (i < n && !/\s/.test(args[i] as string)) {
      const c = args[i] as string;
      if (c === '"') {
        i++;
        while (i < n && args[i] !== '"') {
          if (args[i] === "\\" && i + 1 < n) i++;
          value += args[i++];
        }
        if (args[i] !== '"') throw new Error(`LABEL ${key} has an unterminated quote`);
        i++;
      } else if (c === "'") {
        i++;
        while (i < n && args[i] !== "'") value += args[i++];
        if (args[i] !== "'") throw new Error(`LABEL ${key} has an unterminated quote`);
        i++;
      } else {
        value += c;
        i++;
      }
    }
    labels.set(key, value);
  }
  return labels;
}

/** Labels of the final stage only: earlier stages' labels never reach the image. */
export function finalStageLabels(dockerfile: string): Map<string, string> {
  let labels = new Map<string, string>();
  for (const { keyword, args } of dockerfileInstructions(dockerfile)) {
    if (keyword === "FROM") labels = new Map();
    if (keyword === "LABEL") for (const [k, v] of parseLabelArgs(args)) labels.set(k, v);
  }
  return labels;
}

function jsonArrayOf(value: string, keys: string[]): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return "is not JSON";
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return "is not a non-empty JSON array";
  for (const item of parsed) {
    for (const key of keys) {
      const field: unknown = item && typeof item === "object" ? (item as Record<string, unknown>)[key] : undefined;
      if (typeof field !== "string" || field === "") return `has an entry without "${key}"`;
      if (key === "url" && !/^https:\/\//.test(field)) return `has a url that is not https: ${field}`;
    }
  }
  return undefined;
}

export function checkLabels(labels: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const name of requiredLabels) {
    const value = labels.get(name);
    if (value === undefined || value.trim() === "") problems.push(`label ${name} is missing or empty`);
  }
  const api = labels.get("com.docker.desktop.extension.api.version");
  if (api && !/^(?:(?:[<>]=?|=)?\s*\d+\.\d+\.\d+)(?:\s*,\s*(?:[<>]=?|=)?\s*\d+\.\d+\.\d+)*$/.test(api.trim())) {
    problems.push(`label com.docker.desktop.extension.api.version "${api}" is not a semver constraint`);
  }
  const icon = labels.get("com.docker.desktop.extension.icon");
  if (icon && !/^https:\/\/.+\.(svg|png|jpe?g)$/.test(icon))
    problems.push("the icon label is not an https URL of an svg/png/jpg");
  for (const [name, keys] of [
    ["com.docker.extension.screenshots", ["alt", "url"]],
    ["com.docker.extension.additional-urls", ["title", "url"]],
  ] as const) {
    const value = labels.get(name);
    const problem = value ? jsonArrayOf(value, [...keys]) : undefined;
    if (problem) problems.push(`label ${name} ${problem}`);
  }
  const categories = labels.get("com.docker.extension.categories");
  for (const category of categories ? categories.split(",").map((c) => c.trim()) : []) {
    if (!marketplaceCategories.has(category)) problems.push(`category "${category}" is not a Marketplace category`);
  }
  return problems;
}

/** One COPY instruction: its flags, its sources (build-context paths unless `from` is set) and its destination. */
export interface CopyInstruction {
  from?: string;
  chmod?: string;
  sources: string[];
  dest: string;
}

/** The COPY instructions of the final stage, the only ones whose files reach the image. */
export function finalStageCopies(dockerfile: string): CopyInstruction[] {
  let copies: CopyInstruction[] = [];
  for (const { keyword, args } of dockerfileInstructions(dockerfile)) {
    if (keyword === "FROM") copies = [];
    if (keyword !== "COPY") continue;
    const words = args.split(/\s+/).filter((word) => word !== "");
    const flags = new Map<string, string>();
    while (words[0]?.startsWith("--")) {
      const [name, value = ""] = (words.shift() as string).slice(2).split(/=(.*)/s);
      flags.set(name as string, value);
    }
    const rest = words.join(" ");
    const paths = rest.startsWith("[") ? (JSON.parse(rest) as string[]) : words;
    const dest = paths.at(-1);
    if (dest === undefined || paths.length < 2) continue;
    copies.push({ from: flags.get("from"), chmod: flags.get("chmod"), sources: paths.slice(0, -1), dest });
  }
  return copies;
}

/** Where each source of a COPY lands in the image. */
function copyTargets(copy: CopyInstruction): Array<{ source: string; target: string }> {
  const intoDirectory = copy.dest.endsWith("/") || copy.sources.length > 1;
  return copy.sources.map((source) => ({
    source,
    target: intoDirectory ? `${copy.dest.replace(/\/*$/, "/")}${posix.basename(source)}` : copy.dest,
  }));
}

export type HostOs = "darwin" | "linux" | "windows";

/** The host binaries metadata.json declares: `host.binaries[].<os>[].path`. */
export function hostBinaries(metadata: unknown): Array<{ os: HostOs; path: string; entry: number }> {
  const binaries = (metadata as { host?: { binaries?: unknown } } | undefined)?.host?.binaries;
  if (!Array.isArray(binaries)) return [];
  return binaries.flatMap((entry: unknown, index) =>
    (["darwin", "linux", "windows"] as const).flatMap((os) => {
      const list = (entry as Record<string, unknown> | undefined)?.[os];
      if (!Array.isArray(list)) return [];
      return list
        .map((item: unknown) => (item as { path?: unknown } | undefined)?.path)
        .filter((path): path is string => typeof path === "string")
        .map((path) => ({ os, path, entry: index }));
    }),
  );
}

/** The repo file the final stage copies to an image path, and the COPY that does it. */
export function hostBinarySource(
  dockerfile: string,
  path: string,
): { source: string; copy: CopyInstruction } | undefined {
  for (const copy of finalStageCopies(dockerfile)) {
    if (copy.from !== undefined) continue;
    const hit = copyTargets(copy).find((target) => target.target === path);
    if (hit) return { source: hit.source, copy };
  }
  return undefined;
}

/**
 * Each declared host binary is copied into the image by the final stage from a file of the repo, made executable, and
 * startable as it is on its OS (a `#!` script on darwin and linux; a .exe, .cmd or .bat on Windows). The binaries of
 * one entry share a name less the Windows extension, since the UI starts them by name.
 */
export function checkHostBinaries(files: ExtensionFiles, metadata: unknown): string[] {
  const problems: string[] = [];
  const binaries = hostBinaries(metadata);
  for (const { os, path } of binaries) {
    if (os === "windows" && !/\.(exe|cmd|bat)$/i.test(path)) {
      problems.push(`host binary ${path} is not a file Windows starts (.exe, .cmd or .bat)`);
    }
    const found = hostBinarySource(files.dockerfile, path);
    if (!found) {
      problems.push(`the Dockerfile does not copy host binary ${path} into the image`);
      continue;
    }
    const text = files.readSource(found.source);
    if (text === undefined) {
      problems.push(`host binary ${path} comes from ${found.source}, which is not in the repo`);
      continue;
    }
    if (!found.copy.chmod || (parseInt(found.copy.chmod, 8) & 0o111) !== 0o111) {
      problems.push(`host binary ${path} is not made executable (COPY --chmod=0755)`);
    }
    if (os !== "windows" && !text.startsWith("#!")) problems.push(`host binary ${path} has no #! line`);
  }
  const names = new Map<number, Set<string>>();
  for (const { entry, path } of binaries) {
    const name = posix.basename(path).replace(/\.(exe|cmd|bat)$/i, "");
    names.set(entry, (names.get(entry) ?? new Set()).add(name));
  }
  for (const [entry, set] of names) {
    if (set.size > 1) problems.push(`host.binaries[${entry}] names differ between OSes: ${[...set].join(", ")}`);
  }
  return problems;
}

/** Where the labels' images are served from: the repo's main branch, file by file. */
export const listingUrlPrefix = "https://raw.githubusercontent.com/model-publisher/model-publisher/main/";

/** Docker's "Extension image labels": "The recommended size for screenshots is 2400x1600 pixels". */
export const screenshotSize = { width: 2400, height: 1600 } as const;

/** One repo file a label links to through `listingUrlPrefix`. */
export interface ListingImage {
  label: string;
  url: string;
  /** The path in the repo, `url` less the prefix. */
  path: string;
  /** Listed in `com.docker.extension.screenshots`, so it must have the screenshot size. */
  screenshot: boolean;
}

/** Every `listingUrlPrefix` URL in any label's value, with the repo path it stands for. */
export function listingImages(labels: Map<string, string>): ListingImage[] {
  const prefix = listingUrlPrefix.replace(/[.]/g, "\\.");
  const pattern = new RegExp(`${prefix}[^\\s"'<>]+`, "g");
  const images: ListingImage[] = [];
  for (const [label, value] of labels) {
    for (const [url] of value.matchAll(pattern)) {
      const path = decodeURIComponent(url.slice(listingUrlPrefix.length));
      images.push({ label, url, path, screenshot: label === "com.docker.extension.screenshots" });
    }
  }
  return images;
}

export type ImageKind = "png" | "svg" | "jpg";

/** The image kind a file name says, by its extension. */
export function kindByName(path: string): ImageKind | undefined {
  const extension = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (extension === "png" || extension === "svg") return extension;
  return extension === "jpg" || extension === "jpeg" ? "jpg" : undefined;
}

const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The JPEG frame size, from the first start-of-frame marker (SOF0..SOF15 less DHT, JPG and DAC). */
function jpegSize(bytes: Buffer): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 9 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1] as number;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return { width: bytes.readUInt16BE(at + 7), height: bytes.readUInt16BE(at + 5) };
    }
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

/** What a file's bytes are, and for raster images their size in pixels. */
export function imageFacts(bytes: Buffer): { kind?: ImageKind; width?: number; height?: number } {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(pngSignature) && bytes.toString("latin1", 12, 16) === "IHDR") {
    return { kind: "png", width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return { kind: "jpg", ...jpegSize(bytes) };
  }
  const text = bytes.toString("utf8", 0, Math.min(bytes.length, 4096)).replace(/^\uFEFF/, "");
  if (/^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]/.test(text)) {
    return { kind: "svg" };
  }
  return {};
}

/** Each image a label links to is a file of the repo, of the kind its name says; screenshots have Docker's size. */
export function checkListingImages(files: ExtensionFiles, labels: Map<string, string>): string[] {
  const problems: string[] = [];
  for (const { url, path, screenshot } of listingImages(labels)) {
    const bytes = files.readBytes(path);
    if (bytes === undefined) {
      problems.push(`${url} points to ${path}, which is not in the repo`);
      continue;
    }
    const named = kindByName(path);
    const facts = imageFacts(bytes);
    if (named === undefined) problems.push(`${path} is not named as a PNG, SVG or JPG`);
    else if (facts.kind !== named) problems.push(`${path} is not a ${named.toUpperCase()} as its name says`);
    if (
      screenshot &&
      facts.kind !== "svg" &&
      (facts.width !== screenshotSize.width || facts.height !== screenshotSize.height)
    ) {
      problems.push(
        `screenshot ${path} is ${facts.width ?? "?"}x${facts.height ?? "?"}, not ${screenshotSize.width}x${screenshotSize.height}`,
      );
    }
  }
  return problems;
}

export interface ExtensionFiles {
  metadata: string;
  compose: string;
  dockerfile: string;
  schema: string;
  /** A file of the repo (the Docker build context) by its context path; undefined when there is none. */
  readSource: (path: string) => string | undefined;
  /** The same, as bytes, for images. */
  readBytes: (path: string) => Buffer | undefined;
}

export function readExtensionFiles(root: string): ExtensionFiles {
  const repoFile = (path: string): string | undefined => {
    const file = resolve(root, path);
    if (relative(root, file).startsWith("..") || !existsSync(file) || !statSync(file).isFile()) return undefined;
    return file;
  };
  return {
    metadata: readFileSync(join(root, "metadata.json"), "utf8"),
    compose: readFileSync(join(root, "docker-compose.yaml"), "utf8"),
    dockerfile: readFileSync(join(root, "Dockerfile"), "utf8"),
    schema: readFileSync(join(root, "schemas", "extension-metadata.schema.json"), "utf8"),
    readSource: (path) => {
      const file = repoFile(path);
      return file === undefined ? undefined : readFileSync(file, "utf8");
    },
    readBytes: (path) => {
      const file = repoFile(path);
      return file === undefined ? undefined : readFileSync(file);
    },
  };
}

/** Every problem found in the package; empty when Docker would accept it. */
export function validateExtension(files: ExtensionFiles): string[] {
  const problems: string[] = [];
  let metadata: Record<string, unknown> = {};
  try {
    metadata = JSON.parse(files.metadata) as Record<string, unknown>;
  } catch {
    return ["metadata.json is not JSON"];
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(JSON.parse(files.schema) as object);
  if (!validate(metadata)) {
    for (const error of validate.errors ?? []) problems.push(`metadata.json${error.instancePath} ${error.message}`);
  }
  const vm = metadata.vm as { composefile?: string; exposes?: { socket?: string } } | undefined;
  const tab = (metadata.ui as { "dashboard-tab"?: { backend?: { socket?: string } } } | undefined)?.["dashboard-tab"];
  const socket = vm?.exposes?.socket;
  if (socket !== tab?.backend?.socket) problems.push("vm.exposes.socket and ui.dashboard-tab.backend.socket differ");
  if (vm?.composefile !== "docker-compose.yaml") problems.push("vm.composefile must name docker-compose.yaml");

  let compose: { services?: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> } = {};
  try {
    compose = (parseYaml(files.compose) ?? {}) as typeof compose;
  } catch {
    problems.push("docker-compose.yaml is not YAML");
  }
  const services = Object.values(compose.services ?? {});
  const service = services[0];
  if (services.length !== 1 || !service) problems.push("docker-compose.yaml must have exactly one service");
  else {
    if (service.image !== "${DESKTOP_PLUGIN_IMAGE}") problems.push("the service image must be ${DESKTOP_PLUGIN_IMAGE}");
    const volumes = (service.volumes ?? []) as string[];
    if (!volumes.includes("/var/run/docker.sock.raw:/var/run/docker.sock")) {
      problems.push("the service must mount the raw docker socket");
    }
    const named = volumes.map((v) => v.split(":")[0] as string).filter((v) => !v.startsWith("/") && !v.startsWith("."));
    if (named.length === 0 || !named.every((v) => compose.volumes && v in compose.volumes)) {
      problems.push("the service needs a named state volume declared under volumes");
    }
    if (service.restart !== "unless-stopped") problems.push("the service must restart unless-stopped");
    const env = (service.environment ?? {}) as Record<string, string>;
    if (socket && env.BACKEND_SOCKET !== `/run/guest-services/${socket}`) {
      problems.push(`BACKEND_SOCKET must be /run/guest-services/${socket}`);
    }
  }

  let labels = new Map<string, string>();
  try {
    labels = finalStageLabels(files.dockerfile);
  } catch (err) {
    problems.push(`Dockerfile LABEL: ${(err as Error).message}`);
  }
  problems.push(...checkLabels(labels));
  problems.push(...checkListingImages(files, labels));
  const title = labels.get("org.opencontainers.image.title");
  if (title && /extension/i.test(title)) problems.push("the title must not contain the word extension");
  if (socket && !files.dockerfile.includes(`BACKEND_SOCKET=/run/guest-services/${socket}`)) {
    problems.push("the Dockerfile does not start the backend on the metadata socket");
  }
  problems.push(...checkHostBinaries(files, metadata));
  for (const file of ["metadata.json", "docker.svg", "docker-compose.yaml"]) {
    if (!new RegExp(`^COPY .*\\b${file.replace(".", "\\.")}\\b`, "m").test(files.dockerfile)) {
      problems.push(`the Dockerfile does not copy ${file} into the image`);
    }
  }
  return problems;
}
