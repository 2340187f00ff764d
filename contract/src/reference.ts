import { z } from "zod";
import { dockerHubAliases, dockerHubRegistry } from "./registry-key.js";

/**
 * Image references in docker's grammar (distribution/reference), normalised the way `docker pull` does:
 * `qwen3` → `docker.io/library/qwen3:latest`. Pure, shared by the UI (live validation) and the backend.
 */

/** A parsed, normalised reference. */
export interface ImageReference {
  /** Registry host with optional port, `docker.io` for Docker Hub. */
  registry: string;
  /** Repository path inside the registry, lowercase (`library/qwen3`). */
  repository: string;
  /** Tag, absent when only a digest was given. */
  tag?: string;
  /** `algorithm:hex`, when the reference pins one. */
  digest?: string;
  /** The whole normalised form (`docker.io/library/qwen3:latest`). */
  normalized: string;
  /** The short form people type (`qwen3:latest`, `ghcr.io/me/x:1`). */
  familiar: string;
}

export type ReferenceResult = { ok: true; value: ImageReference } | { ok: false; reason: string };

const dockerHub = dockerHubRegistry;
const maxNameLength = 255;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainRe = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]{1,5})?$`);
const pathComponentRe = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagRe = /^[\w][\w.-]{0,127}$/;
const digestRe = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const digestLengths: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** True when the first path segment names a registry rather than a Docker Hub namespace. */
function looksLikeRegistry(first: string): boolean {
  return first.includes(".") || first.includes(":") || first === "localhost" || first.toLowerCase() !== first;
}

/** Checks a `host[:port]` string. */
export function checkRegistryHost(host: string): string | undefined {
  if (host.length === 0) return "the registry host is empty";
  if (!domainRe.test(host)) return `"${host}" is not a valid registry host`;
  const port = /:(\d+)$/.exec(host)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return `port ${port} is out of range`;
  return undefined;
}

/** Parses and normalises a reference; never throws. */
export function parseReference(input: string): ReferenceResult {
  const fail = (reason: string): ReferenceResult => ({ ok: false, reason });
  if (typeof input !== "string" || input.length === 0) return fail("the reference is empty");
  if (input.length > 512) return fail("the reference is longer than 512 characters");
  if (/[\s\x00-\x1f\x7f]/.test(input)) return fail("a reference has no spaces or control characters");
  if (input.includes("://")) return fail("leave out the scheme: write host/repository:tag, not a URL");

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestRe.test(digest)) return fail(`"${digest}" is not a valid digest (algorithm:hex)`);
    const [algorithm, hex] = digest.split(":") as [string, string];
    const want = digestLengths[algorithm];
    if (want !== undefined && hex.length !== want) return fail(`a ${algorithm} digest has ${want} hex digits`);
    if (want === undefined) return fail(`unsupported digest algorithm "${algorithm}"`);
    digest = `${algorithm}:${hex.toLowerCase()}`;
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagRe.test(tag)) {
      return fail(`"${tag}" is not a valid tag (letters, digits, _ . -, up to 128, not starting with . or -)`);
    }
  }
  if (rest.length === 0) return fail("the repository name is missing");

  let registry = dockerHub;
  let path = rest;
  const slash = rest.indexOf("/");
  if (slash >= 0 && looksLikeRegistry(rest.slice(0, slash))) {
    registry = rest.slice(0, slash);
    path = rest.slice(slash + 1);
    const hostProblem = checkRegistryHost(registry);
    if (hostProblem) return fail(hostProblem);
  }
  if (dockerHubAliases.includes(registry)) registry = dockerHub;
  if (path.length === 0) return fail("the repository name is missing");
  if (path.toLowerCase() !== path) return fail(`repository names are lowercase: "${path.toLowerCase()}"`);
  const components = path.split("/");
  for (const component of components) {
    if (!pathComponentRe.test(component)) {
      return fail(
        component.length === 0
          ? "the repository path has an empty component"
          : `"${component}" is not a valid repository component (lowercase letters, digits, and . _ - between them)`,
      );
    }
  }
  if (registry === dockerHub && components.length === 1) path = `library/${path}`;
  const name = `${registry}/${path}`;
  if (name.length > maxNameLength) return fail(`the repository name is longer than ${maxNameLength} characters`);
  if (tag === undefined && digest === undefined) tag = "latest";

  const suffix = `${tag !== undefined ? `:${tag}` : ""}${digest !== undefined ? `@${digest}` : ""}`;
  const familiarName =
    registry === dockerHub ? (path.startsWith("library/") ? path.slice("library/".length) : path) : name;
  return {
    ok: true,
    value: {
      registry,
      repository: path,
      tag,
      digest,
      normalized: `${name}${suffix}`,
      familiar: `${familiarName}${suffix}`,
    },
  };
}

/**
 * A host name that names this machine's loopback: `localhost` and its sub-domains (RFC 6761), any `127.x.y.z`, and
 * `::1` (bracketed or not). One rule for plain HTTP, the UI's hints and REGISTRY_LOOPBACK_HOST.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

/** A registry (`host[:port]`) on this machine's loopback: it speaks plain HTTP unless told otherwise. */
export function isLoopbackRegistry(registry: string): boolean {
  return isLoopbackHost(registry.replace(/:\d+$/, ""));
}

/** A reference string that must parse; the error names the reason. */
export const ReferenceString = z
  .string()
  .max(512)
  .superRefine((value, ctx) => {
    const parsed = parseReference(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.reason, params: { code: "invalid_reference" } });
  });

/** A `host[:port]` registry address. */
export const RegistryHost = z
  .string()
  .max(256)
  .superRefine((value, ctx) => {
    const problem = checkRegistryHost(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, params: { code: "invalid_reference" } });
  });
