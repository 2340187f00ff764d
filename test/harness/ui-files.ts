// The built UI (ui/build) served as plain files on 127.0.0.1, as Docker Desktop loads an extension's UI from its
// files: no backend behind it, so a UI that called the backend by `fetch` instead of ddClient gets 404s, recorded.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

const buildDir = fileURLToPath(new URL("../../ui/build", import.meta.url));

const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

export interface UiFiles {
  /** `http://127.0.0.1:<port>/index.html`. */
  url: string;
  /** Requests that matched no file (method and path). */
  misses: string[];
  close(): Promise<void>;
}

export async function serveUiFiles(): Promise<UiFiles> {
  if (!existsSync(join(buildDir, "index.html"))) throw new Error("ui/build/index.html is missing: run npm run build.");
  const misses: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(buildDir, path === "/" ? "index.html" : path));
    const inside = file.startsWith(buildDir + sep);
    void (async () => {
      const bytes = inside && req.method === "GET" ? await readFile(file).catch(() => undefined) : undefined;
      if (!bytes) {
        misses.push(`${req.method} ${path}`);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": contentTypes[extname(file)] ?? "application/octet-stream" }).end(bytes);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    misses,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
