import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { uploadBlob } from "./blob-upload.js";
import { RegistryClient, referenceOf } from "./registry-client.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

describe("uploadBlob against a registry that answers relative Locations", () => {
  it("resolves each Location against the request it answered (RFC 3986) and follows the newest one", async () => {
    const bytes = Buffer.alloc(3 * 1024, 7);
    const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
    const requests: string[] = [];
    let received = 0;
    server = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://x");
        if (req.method === "POST" && url.pathname === "/v2/acme/tiny/blobs/uploads/") {
          // Relative to the request, no leading slash: /v2/acme/tiny/blobs/uploads/s1?step=0.
          res.writeHead(202, { location: "s1?step=0", range: "0-0" }).end();
        } else if (req.method === "PATCH" && url.pathname === "/v2/acme/tiny/blobs/uploads/s1") {
          received += Buffer.concat(chunks).length;
          // Relative with a dot segment: the same folder, the next state.
          res.writeHead(202, { location: `./s1?step=${received}`, range: `0-${received - 1}` }).end();
        } else if (req.method === "PUT" && url.pathname === "/v2/acme/tiny/blobs/uploads/s1") {
          const ok = url.searchParams.get("digest") === digest && url.searchParams.get("step") === String(received);
          res.writeHead(ok ? 201 : 400).end();
        } else {
          res.writeHead(404).end();
        }
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const host = `127.0.0.1:${(server?.address() as AddressInfo).port}`;
    const client = new RegistryClient({ stateDir: mkdtempSync(join(tmpdir(), "mp-upload-")), env: {} });
    const repository = client.repository(referenceOf(`${host}/acme/tiny:1`));
    await uploadBlob(
      repository,
      { digest, size: bytes.length, open: (start) => Readable.from([bytes.subarray(start)]) },
      { monolithicMaxBytes: 0, chunkBytes: 1024 },
    );
    expect(requests).toEqual([
      "POST /v2/acme/tiny/blobs/uploads/",
      "PATCH /v2/acme/tiny/blobs/uploads/s1?step=0",
      "PATCH /v2/acme/tiny/blobs/uploads/s1?step=1024",
      "PATCH /v2/acme/tiny/blobs/uploads/s1?step=2048",
      `PUT /v2/acme/tiny/blobs/uploads/s1?step=3072&digest=${encodeURIComponent(digest)}`,
    ]);
  });
});
