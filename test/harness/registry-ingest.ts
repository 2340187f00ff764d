// The registry's own ingest of blobs, the floor a publish into it is compared to: one monolithic upload per blob
// (`POST /v2/<repo>/blobs/uploads/`, then `curl -T <file>` as `PUT <location>&digest=`), every blob at once, each
// curl reading its file from disk.
import { spawn } from "node:child_process";

export interface IngestBlob {
  /** The file holding the blob's bytes. */
  file: string;
  /** Hex sha256 of the file. */
  sha256: string;
}

/** Runs curl without blocking this process (which may serve other parts of the bench). */
function curl(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", (error) => reject(new Error(`curl failed to start (install the Debian package curl): ${error}`)));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

async function ingestOne(registryUrl: string, repository: string, blob: IngestBlob): Promise<void> {
  const opened = await fetch(`${registryUrl}/v2/${repository}/blobs/uploads/`, { method: "POST" });
  await opened.arrayBuffer();
  const location = opened.headers.get("location");
  if (opened.status !== 202 || !location) throw new Error(`opening an upload answered ${opened.status}`);
  const target = new URL(location, registryUrl);
  target.searchParams.set("digest", `sha256:${blob.sha256}`);
  const put = await curl([
    "-sS",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "-H",
    "Content-Type: application/octet-stream",
    // No `Expect: 100-continue` round trip before the body.
    "-H",
    "Expect:",
    "-T",
    blob.file,
    target.href,
  ]);
  if (put.status !== 0 || put.stdout !== "201") {
    throw new Error(`curl PUT of ${blob.file} answered ${put.stdout} (exit ${put.status}): ${put.stderr}`);
  }
}

/** Uploads every blob into `repository` at once and answers the wall time in seconds. */
export async function ingestBlobsWithCurl(
  registryUrl: string,
  repository: string,
  blobs: IngestBlob[],
): Promise<number> {
  const started = performance.now();
  await Promise.all(blobs.map((blob) => ingestOne(registryUrl, repository, blob)));
  return (performance.now() - started) / 1000;
}
