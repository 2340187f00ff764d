// A network namespace of the test's own, as the one Docker Desktop gives the extension's backend container: its own
// loopback (the host's 127.0.0.1 ports are refused inside) and its own /etc/hosts. Needs root and iproute2; where
// either is missing it throws, so a test that needs it fails instead of skipping.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where `ip netns exec <name>` finds the files it bind-mounts over /etc (iproute2's convention). */
const netnsEtc = "/etc/netns";

export interface NetworkNamespace {
  /** `mp-<random>`. */
  name: string;
  /** The argv that runs `argv` inside the namespace (`ip netns exec` execs it: the pid is the program's own). */
  command(argv: string[]): string[];
  /** Runs a short command inside and waits for it. */
  run(argv: string[]): { code: number | null; stdout: string; stderr: string };
  /** Opens a TCP connection from inside: `connected`, or the error code (`ECONNREFUSED`, `ENOTFOUND`…). */
  connect(host: string, port: number): string;
  /** Deletes the namespace and its /etc/netns folder (stop the processes inside first). */
  close(): void;
}

/** `node -e` program: connects to argv host and port, prints `connected` or the error code. */
const connectProbe = [
  'const socket = require("node:net").connect(Number(process.argv[2]), process.argv[1]);',
  'socket.on("connect", () => { console.log("connected"); socket.destroy(); });',
  'socket.on("error", (err) => console.log(err.code ?? err.message));',
  'socket.setTimeout(5000, () => { console.log("ETIMEDOUT"); socket.destroy(); });',
].join("\n");

function ip(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync("ip", args, { encoding: "utf8" });
  if (result.error) throw new Error(`ip ${args.join(" ")} could not run: ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function must(args: string[]): void {
  const result = ip(args);
  if (result.code !== 0) throw new Error(`ip ${args.join(" ")} failed (${result.code}): ${result.stderr.trim()}`);
}

/** Throws, saying what is missing, unless this process can create network namespaces. */
export function requireNamespaces(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "The Docker-Desktop-like rig needs root to create a network namespace (ip netns add); run the browser tests as " +
        "root, as CI does.",
    );
  }
  const probe = spawnSync("ip", ["-V"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `The Docker-Desktop-like rig needs iproute2's ip (apt-get install iproute2): ${probe.error?.message ?? probe.stderr}`,
    );
  }
}

/**
 * Creates `mp-<random>` with `lo` up and an /etc/hosts of its own: `localhost` on the namespace's loopback, and each
 * `hosts` entry (`host.docker.internal` → an address on that loopback where the host link listens).
 */
export function createNetworkNamespace(options: { hosts: Record<string, string> }): NetworkNamespace {
  requireNamespaces();
  const name = `mp-${randomBytes(4).toString("hex")}`;
  const madeEtc = !existsSync(netnsEtc);
  const etcDir = join(netnsEtc, name);
  must(["netns", "add", name]);
  try {
    must(["-n", name, "link", "set", "lo", "up"]);
    mkdirSync(etcDir, { recursive: true });
    const lines = [
      "127.0.0.1 localhost",
      "::1 localhost ip6-localhost ip6-loopback",
      ...Object.entries(options.hosts).map(([host, address]) => `${address} ${host}`),
    ];
    writeFileSync(join(etcDir, "hosts"), `${lines.join("\n")}\n`);
  } catch (err) {
    ip(["netns", "del", name]);
    rmSync(etcDir, { recursive: true, force: true });
    throw err;
  }
  const command = (argv: string[]) => ["ip", "netns", "exec", name, ...argv];
  const run = (argv: string[]) => {
    const [program, ...args] = command(argv) as [string, ...string[]];
    const result = spawnSync(program, args, { encoding: "utf8", timeout: 30_000 });
    return { code: result.status, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  };
  return {
    name,
    command,
    run,
    connect(host, port) {
      const probe = run([process.execPath, "-e", connectProbe, host, String(port)]);
      return probe.stdout.trim() || `no answer from the probe: ${probe.stderr.trim()}`;
    },
    close() {
      ip(["netns", "del", name]);
      rmSync(etcDir, { recursive: true, force: true });
      if (madeEtc && existsSync(netnsEtc) && readdirSync(netnsEtc).length === 0) rmdirSync(netnsEtc);
    },
  };
}
