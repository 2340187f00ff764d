import { createHash } from "node:crypto";
import { mediaTypes } from "@model-publisher/contract";
import type { AuthClient } from "./auth/auth-client.js";
import { repositoryScope } from "./auth/challenge.js";
import { registryBaseUrl } from "./endpoint.js";
import { canceledError, errorFromResponse, networkError, RegistryError } from "./errcode.js";
import { requestBody } from "./request-body.js";
import { abandonUpload } from "./blob-upload.js";
import { uncut } from "./uncut.js";
import { defaultRetryPolicy, withRetry, type RetryPolicy } from "./retry.js";

/** What a manifest GET accepts: OCI and Docker, single and multi-platform. */
const manifestAccept = [
  mediaTypes.ociManifest,
  mediaTypes.ociIndex,
  mediaTypes.dockerManifest,
  mediaTypes.dockerManifestList,
].join(", ");

export interface RepositoryOptions {
  /** Registry host (`127.0.0.1:5000`, `ghcr.io`, `docker.io`). */
  host: string;
  /** Repository path inside the registry (`library/qwen3`). */
  repository: string;
  auth: AuthClient;
  /** Plain HTTP for a non-loopback host. */
  insecure?: boolean;
  /** REGISTRY_LOOPBACK_HOST: where a loopback `host` is reached (see `registryBaseUrl`). */
  loopbackHost?: string;
  retry?: RetryPolicy;
}

export interface FetchedManifest {
  bytes: Buffer;
  /** sha256 of `bytes`, checked against what was asked for and what the registry said. */
  digest: string;
  mediaType: string;
}

/** Largest manifest we read (distribution's own limit is 4 MiB). */
export const maxManifestBytes = 4 * 1024 * 1024;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Manifest and blob operations on one repository (OCI distribution spec), auth and retries included. */
export class Repository {
  readonly host: string;
  readonly name: string;
  readonly baseUrl: string;
  readonly retry: RetryPolicy;
  private readonly auth: AuthClient;

  constructor(options: RepositoryOptions) {
    this.host = options.host;
    this.name = options.repository;
    this.auth = options.auth;
    this.baseUrl = registryBaseUrl(options.host, options.insecure, options.loopbackHost);
    this.retry = options.retry ?? defaultRetryPolicy;
  }

  /** `/v2/<name>/<rest>` as an absolute URL (a registry's `Location` is resolved with `resolveLocation` instead). */
  url(pathOrLocation: string): URL {
    if (/^https?:\/\//.test(pathOrLocation) || pathOrLocation.startsWith("/"))
      return new URL(pathOrLocation, this.baseUrl);
    return new URL(`/v2/${this.name}/${pathOrLocation}`, this.baseUrl);
  }

  /** One request with auth; `extraScopes` add e.g. pull on a mount source. */
  async send(
    method: string,
    url: URL,
    init: RequestInit & { push?: boolean; extraScopes?: string[]; replayable?: boolean } = {},
  ): Promise<Response> {
    const { push, extraScopes, replayable, ...rest } = init;
    const scopes = [repositoryScope(this.name, push ? ["pull", "push"] : ["pull"]), ...(extraScopes ?? [])];
    if (rest.signal?.aborted) throw canceledError();
    try {
      return await this.auth.send(
        url,
        { ...rest, method },
        { host: this.host, scopes, replayable: replayable ?? true },
      );
    } catch (err) {
      if (rest.signal?.aborted) throw canceledError();
      throw err;
    }
  }

  /** `send` with retries for requests whose body can be sent again; non-2xx answers become typed errors. */
  async request(
    method: string,
    url: URL,
    what: string,
    init: RequestInit & { push?: boolean; extraScopes?: string[]; ok?: number[] } = {},
  ): Promise<Response> {
    const { ok, ...rest } = init;
    return withRetry(this.retry, rest.signal ?? undefined, async () => {
      const res = await this.send(method, url, rest);
      if (ok ? ok.includes(res.status) : res.ok) return res;
      throw await errorFromResponse(res, what);
    });
  }

  /**
   * GETs a small body whole, retrying as one operation: a body cut or stalled after the headers is asked for again,
   * not handed to the caller as a failure.
   */
  private async getBytes(
    url: URL,
    what: string,
    maxBytes: number,
    init: RequestInit = {},
  ): Promise<{ res: Response; bytes: Buffer }> {
    const tooLarge = () => new RegistryError("registry_error", `The ${what} is larger than ${maxBytes} bytes.`);
    return withRetry(this.retry, init.signal ?? undefined, async () => {
      const res = await this.send("GET", url, init);
      if (!res.ok) throw await errorFromResponse(res, what);
      if (Number(res.headers.get("content-length") ?? "0") > maxBytes) {
        await res.body?.cancel();
        throw tooLarge();
      }
      let bytes: Buffer;
      try {
        bytes = Buffer.from(await res.arrayBuffer());
      } catch (err) {
        if (init.signal?.aborted) throw canceledError();
        throw networkError(err, `GET ${url.pathname}`);
      }
      if (bytes.length > maxBytes) throw tooLarge();
      return { res, bytes };
    });
  }

  /** GETs a manifest by tag or digest and checks its bytes hash to the digest. */
  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const { res, bytes } = await this.getBytes(
      this.url(`manifests/${reference}`),
      `manifest ${reference}`,
      maxManifestBytes,
      { headers: { accept: manifestAccept }, signal },
    );
    const digest = sha256Digest(bytes);
    const expected = reference.includes(":") ? reference : res.headers.get("docker-content-digest");
    if (expected && expected.startsWith("sha256:") && expected !== digest) {
      throw new RegistryError(
        "integrity_error",
        `The registry answered manifest bytes whose digest ${digest} is not ${expected}.`,
      );
    }
    const mediaType = (res.headers.get("content-type") ?? "").split(";")[0]?.trim() || mediaTypeOf(bytes);
    return { bytes, digest, mediaType };
  }

  /** PUTs manifest bytes unchanged under a tag or digest; answers the digest the registry computed. */
  async putManifest(reference: string, bytes: Uint8Array, mediaType: string, signal?: AbortSignal): Promise<string> {
    const res = await this.request("PUT", this.url(`manifests/${reference}`), `manifest PUT ${reference}`, {
      body: requestBody(bytes),
      headers: { "content-type": mediaType },
      push: true,
      signal,
    });
    await res.body?.cancel();
    const digest = sha256Digest(bytes);
    const answered = res.headers.get("docker-content-digest");
    if (answered && answered !== digest) {
      throw new RegistryError("integrity_error", `The registry stored the manifest as ${answered}, not ${digest}.`);
    }
    return digest;
  }

  /** HEADs a blob: its size when the registry has it. */
  async statBlob(digest: string, signal?: AbortSignal): Promise<{ exists: boolean; size?: number }> {
    const res = await this.request("HEAD", this.url(`blobs/${digest}`), `blob HEAD ${digest}`, {
      ok: [200, 404],
      push: true,
      signal,
    });
    if (res.status === 404) return { exists: false };
    const size = Number(res.headers.get("content-length"));
    return { exists: true, ...(Number.isFinite(size) ? { size } : {}) };
  }

  /**
   * GETs a blob as a stream (redirects to storage are followed by fetch), from byte `start` on when the registry
   * honours the Range header; `start` in the answer says where its body begins (0 when the range was ignored).
   */
  async fetchBlob(
    digest: string,
    signal?: AbortSignal,
    start = 0,
  ): Promise<{ body: ReadableStream<Uint8Array>; size?: number; start: number }> {
    const res = await this.request("GET", this.url(`blobs/${digest}`), `blob ${digest}`, {
      signal,
      ...(start > 0 ? { headers: { range: `bytes=${start}-` } } : {}),
    });
    if (!res.body) throw new RegistryError("registry_error", `The registry sent blob ${digest} without a body.`);
    const size = Number(res.headers.get("content-length"));
    return { body: res.body, ...(Number.isFinite(size) ? { size } : {}), start: res.status === 206 ? start : 0 };
  }

  /** Reads a small blob whole and checks its digest (configs). */
  async readBlob(digest: string, maxBytes: number, signal?: AbortSignal): Promise<Buffer> {
    const { bytes } = await this.getBytes(this.url(`blobs/${digest}`), `blob ${digest}`, maxBytes, { signal });
    if (sha256Digest(bytes) !== digest)
      throw new RegistryError("integrity_error", `Blob ${digest} did not match its digest.`);
    return bytes;
  }

  /** Asks the registry to link a blob from another repository; false when it started an upload instead. */
  async mountBlob(digest: string, fromRepository: string, signal?: AbortSignal): Promise<boolean> {
    const url = this.url("blobs/uploads/");
    url.searchParams.set("mount", digest);
    url.searchParams.set("from", fromRepository);
    // Not cut by a cancel: a 202 opens a session, ended below even when the job no longer waits for the answer.
    return uncut(signal, async () => {
      const res = await this.request("POST", url, `blob mount ${digest}`, {
        ok: [201, 202],
        push: true,
        extraScopes: [repositoryScope(fromRepository, ["pull"])],
      });
      await res.body?.cancel();
      return res.status === 201 || (await this.endMountSession(res, url));
    });
  }

  /** A mount answered 202: the registry opened an upload session instead; it is ended so none is left behind. */
  private async endMountSession(res: Response, url: URL): Promise<false> {
    const location = res.headers.get("location");
    if (location) await abandonUpload(this, new URL(location, url));
    return false;
  }

  /** Deletes a manifest by digest (needs `storage.delete.enabled` on distribution). */
  async deleteManifest(digest: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request("DELETE", this.url(`manifests/${digest}`), `manifest DELETE ${digest}`, {
      push: true,
      ok: [202, 200],
      signal,
    });
    await res.body?.cancel();
  }
}

/** The `mediaType` field of a manifest, for registries that answer a generic content type. */
export function mediaTypeOf(bytes: Uint8Array): string {
  try {
    const parsed = JSON.parse(Buffer.from(bytes).toString("utf8")) as { mediaType?: unknown };
    if (typeof parsed.mediaType === "string") return parsed.mediaType;
  } catch {
    // not JSON
  }
  return mediaTypes.octetStream;
}
