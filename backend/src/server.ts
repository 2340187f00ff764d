import { createServer, type Server } from "node:http";
import { chmod, rm, stat } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { AppContext } from "./context.js";

export interface RunningServer {
  server: Server;
  /** `http://127.0.0.1:<port>` or `unix:<path>`. */
  address: string;
  close: () => Promise<void>;
}

async function removeStaleSocket(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isSocket()) await rm(path, { force: true });
    else throw new Error(`${path} exists and is not a socket; refusing to remove it`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** Listens on the unix socket when configured (stale socket removed first, mode 0660), else on 127.0.0.1. */
export async function startServer(ctx: AppContext): Promise<RunningServer> {
  const app = createApp(ctx);
  const server = createServer(app);
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  const socket = ctx.config.socket;
  if (socket) await removeStaleSocket(socket);
  // The socket is created owner-only (then opened to the group): never, even for a moment, open to other users.
  const previousUmask = socket ? process.umask(0o077) : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if (socket) server.listen(socket, resolve);
      else server.listen(ctx.config.port, ctx.config.host, resolve);
    });
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  if (socket) await chmod(socket, 0o660);
  const address = socket ? `unix:${socket}` : `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { server, address, close };
}
