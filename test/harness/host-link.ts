// The link from the backend's namespace to the host side, as Docker Desktop's `host.docker.internal` is: inside the
// namespace a bridge process listens on `address:<port>` (an address on the namespace's own loopback, which the
// namespace's /etc/hosts names host.docker.internal) and carries each connection through a unix socket (filesystem
// sockets cross network namespaces) to a forwarder in the test process, which connects to 127.0.0.1:<port> on the
// host side. Nothing binds outside loopback, and the root namespace gets no new address or interface.
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkNamespace } from "./network-namespace.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bridgeProgram = fileURLToPath(new URL("./host-link-bridge.ts", import.meta.url));

/** Two sockets joined both ways; an error on either side ends both. */
export function splice(a: Socket, b: Socket): void {
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", end);
  b.on("error", end);
  a.pipe(b);
  b.pipe(a);
}

export interface HostLink {
  /** The address inside the namespace the ports answer on. */
  address: string;
  /** Host ports reachable from inside so far. */
  ports(): number[];
  /** Makes more host ports reachable from inside at `address`, same port numbers. */
  expose(ports: number[]): Promise<void>;
  /** Stops the bridge processes (by pid) and the forwarders. */
  close(): Promise<void>;
}

function listenUnix(socketPath: string, port: number, open: Set<Socket>): Promise<Server> {
  const server = createServer({ allowHalfOpen: true }, (fromInside) => {
    open.add(fromInside);
    fromInside.on("close", () => open.delete(fromInside));
    splice(fromInside, connect({ port, host: "127.0.0.1", allowHalfOpen: true }));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve(server));
  });
}

function startBridge(namespace: NetworkNamespace, address: string, links: string[]): Promise<ChildProcess> {
  const [program, ...args] = namespace.command([process.execPath, "--import", "tsx", bridgeProgram, address, ...links]);
  const child = spawn(program as string, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the host link bridge did not start within 20 s: ${output}`));
    }, 20_000);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      if (!chunk.includes("ready")) return;
      clearTimeout(timer);
      resolve(child);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the host link bridge exited with ${code}: ${output}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** A host link into `namespace` at `address`; its unix sockets live in `dir`. */
export function startHostLink(namespace: NetworkNamespace, options: { address: string; dir: string }): HostLink {
  const bridges: ChildProcess[] = [];
  const forwarders: Server[] = [];
  const open = new Set<Socket>();
  const linked: number[] = [];
  return {
    address: options.address,
    ports: () => [...linked],
    async expose(ports) {
      const fresh = ports.filter((port) => !linked.includes(port));
      if (fresh.length === 0) return;
      const links: string[] = [];
      for (const port of fresh) {
        const socketPath = join(options.dir, `host-${port}.sock`);
        forwarders.push(await listenUnix(socketPath, port, open));
        links.push(`${port}=${socketPath}`);
      }
      bridges.push(await startBridge(namespace, options.address, links));
      linked.push(...fresh);
    },
    async close() {
      await Promise.all(bridges.splice(0).map(stopChild));
      for (const socket of open) socket.destroy();
      await Promise.all(
        forwarders.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    },
  };
}
