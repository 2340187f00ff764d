import {
  ArtifactName,
  BuilderName,
  ExcludePattern,
  LayerPackaging,
  isLoopbackRegistry,
  parseReference,
  parseSource,
  type PublishRequest,
} from "@model-publisher/contract";

/** Everything the buildx call depends on besides the request. */
export interface BuildCommandInput {
  request: PublishRequest;
  mode: "direct" | "export";
  builder: string;
  frontendImage: string;
  /** Where buildx writes its metadata JSON (`containerimage.digest`). */
  metadataFile: string;
  /** Export mode: the `type=local` destination; the layout lands in `<exportDir>/layout`. */
  exportDir?: string;
  /** An empty directory: the build context (the Dockerfile comes on stdin). */
  contextDir: string;
  /** Whether a Hub token goes along as the `hf-token` secret (its value travels in the child's environment). */
  tokenSet: boolean;
}

export type BuildCommand =
  | { ok: true; args: string[]; reference: string; insecure: boolean }
  | { ok: false; code: "invalid_request" | "invalid_reference"; field: string; reason: string };

/** The environment variable the token travels in; the secret flag names it, never the value. */
export const tokenEnvVar = "HF_TOKEN";

/** Characters a shell, a CSV flag value or a line-based log would treat specially; never in a value we pass on. */
const unsafeRe = /['"`$;&|<>\\\n\r\x00]|\$\(/;
const unsafeMessage = "has quotes, ;, $, backticks, newlines or other shell characters";

function unsafe(value: string): boolean {
  return unsafeRe.test(value) || /[\x00-\x1f\x7f]/.test(value);
}

/** The artifact name AIKit gets when the request leaves it out: the repo (or file) name, cut to the allowed alphabet. */
export function defaultArtifactName(source: string): string {
  const parsed = parseSource(source);
  let base = "aikitmodel";
  if (parsed.ok) {
    base = parsed.value.kind === "huggingface" ? (parsed.value.repo.split("/")[1] ?? base) : parsed.value.fileName;
    if (parsed.value.kind === "url") base = base.replace(/\.[^.]+$/, "");
  }
  const cleaned = base
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 128);
  return cleaned || "aikitmodel";
}

/** A local path we hand to buildx: absolute, and free of characters that would split a CSV flag value. */
function checkPath(path: string): string | undefined {
  if (!path.startsWith("/")) return "is not an absolute path";
  if (unsafe(path) || path.includes(",") || path.includes("=")) return "has characters buildx would misread";
  return undefined;
}

/**
 * The argument array of `docker buildx build` for a publish, built only from values checked here again (the request
 * was validated at the HTTP edge; this is the last line before a process starts).
 */
export function buildCommand(input: BuildCommandInput): BuildCommand {
  const { request } = input;
  const fail = (field: string, reason: string, code: "invalid_request" | "invalid_reference" = "invalid_request") =>
    ({ ok: false, code, field, reason }) as const;

  if (unsafe(input.builder) || !BuilderName.safeParse(input.builder).success) {
    return fail("builder", `the builder name "${input.builder}" is not a valid buildx builder name`);
  }

  if (unsafe(input.frontendImage)) return fail("frontendImage", `the frontend image ${unsafeMessage}`);
  const frontend = parseReference(input.frontendImage);
  if (!frontend.ok) return fail("frontendImage", `the frontend image: ${frontend.reason}`, "invalid_reference");

  if (unsafe(request.source)) return fail("source", `the source ${unsafeMessage}`);
  const source = parseSource(request.source);
  if (!source.ok) return fail("source", source.reason);

  if (unsafe(request.reference)) return fail("reference", `the reference ${unsafeMessage}`, "invalid_reference");
  const reference = parseReference(request.reference);
  if (!reference.ok) return fail("reference", reference.reason, "invalid_reference");
  if (reference.value.tag === undefined) {
    return fail("reference", "publish to a tag (host/repository:tag), not to a digest", "invalid_reference");
  }
  // Push by tag: a digest pinned next to the tag would be ignored by the push and mislead the report.
  const target = `${reference.value.registry}/${reference.value.repository}:${reference.value.tag}`;

  const name = request.name ?? defaultArtifactName(request.source);
  if (unsafe(name)) return fail("name", `the name ${unsafeMessage}`);
  if (!ArtifactName.safeParse(name).success) {
    return fail("name", "a name is lowercase letters, digits, . _ - and starts with a letter or digit");
  }

  if (request.layerPackaging !== undefined && !LayerPackaging.safeParse(request.layerPackaging).success) {
    return fail("layerPackaging", "layer packaging is raw, tar, tar+gzip or tar+zstd");
  }

  const exclude = request.exclude ?? [];
  for (const pattern of exclude) {
    if (unsafe(pattern)) return fail("exclude", `the exclude pattern ${JSON.stringify(pattern)} ${unsafeMessage}`);
    const checked = ExcludePattern.safeParse(pattern);
    if (!checked.success) return fail("exclude", checked.error.issues[0]?.message ?? "invalid exclude pattern");
  }
  if (exclude.length > 0 && (source.value.kind !== "huggingface" || source.value.file !== undefined)) {
    return fail("exclude", "exclude patterns apply only to a whole Hugging Face repository");
  }

  for (const [field, path] of [
    ["metadataFile", input.metadataFile],
    ["contextDir", input.contextDir],
    ...(input.mode === "export" ? [["exportDir", input.exportDir ?? ""]] : []),
  ] as const) {
    const problem = checkPath(path);
    if (problem) return fail(field, `the ${field} ${problem}`);
  }

  const insecure = request.insecureRegistry === true || isLoopbackRegistry(reference.value.registry);
  const output =
    input.mode === "direct"
      ? `type=image,name=${target},push=true${insecure ? ",registry.insecure=true" : ""}`
      : `type=local,dest=${input.exportDir}`;

  const args = [
    "buildx",
    "build",
    "--builder",
    input.builder,
    "--build-arg",
    `BUILDKIT_SYNTAX=${frontend.value.normalized}`,
    "--target",
    request.target === "generic" ? "packager/generic" : "packager/modelpack",
    "--build-arg",
    `source=${request.source}`,
    "--build-arg",
    `name=${name}`,
    ...(request.layerPackaging ? ["--build-arg", `layer_packaging=${request.layerPackaging}`] : []),
    // AIKit drops unquoted words, so every pattern goes single-quoted (quotes are refused inside patterns above).
    ...(exclude.length > 0 ? ["--build-arg", `exclude=${exclude.map((p) => `'${p}'`).join(" ")}`] : []),
    "--provenance=false",
    "--sbom=false",
    "--progress=rawjson",
    "--metadata-file",
    input.metadataFile,
    ...(input.tokenSet ? ["--secret", `id=hf-token,env=${tokenEnvVar}`] : []),
    "--output",
    output,
    "-f",
    "-",
    input.contextDir,
  ];
  return { ok: true, args, reference: target, insecure };
}
