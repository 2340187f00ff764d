// The inside half of the host link (see host-link.ts), run inside the namespace: for each `<port>=<socket>` argument
// it listens on `<address>:<port>` and carries each connection to the unix socket, where the test process continues
// it to the host side's 127.0.0.1:<port>. Prints `ready` once every port listens; SIGTERM ends it.
import { connect, createServer, type Server } from "node:net";
import { splice } from "./host-link.js";

const [address, ...links] = process.argv.slice(2);
if (!address || links.length === 0) {
  process.stderr.write("usage: host-link-bridge <address> <port>=<unix socket>...\n");
  process.exit(2);
}

const servers: Server[] = links.map((link) => {
  const at = link.indexOf("=");
  const port = Number(link.slice(0, at));
  const socketPath = link.slice(at + 1);
  const server = createServer({ allowHalfOpen: true }, (inside) =>
    splice(inside, connect({ path: socketPath, allowHalfOpen: true })),
  );
  server.listen(port, address);
  return server;
});

await Promise.all(
  servers.map(
    (server) =>
      new Promise<void>((resolve, reject) => {
        if (server.listening) resolve();
        server.once("listening", () => resolve());
        server.once("error", reject);
      }),
  ),
).catch((err: unknown) => {
  process.stderr.write(`host-link-bridge: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
process.stdout.write("ready\n");
process.on("SIGTERM", () => process.exit(0));
