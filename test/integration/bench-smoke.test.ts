// `npm run bench` at a small size, so CI shows the benches run and print their figures (issue 13: the three ratios
// and the RSS figures). Times are printed, never judged here: speed and memory goals are the bench's own verdicts on a
// full-size run. What is asserted are counts that do not depend on the machine: each Hub file served once for three
// targets, and nothing downloaded or uploaded for a second repository of the same registry.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const bench = fileURLToPath(new URL("../../scripts/bench.ts", import.meta.url));

function runBench(env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", bench], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, out }));
  });
}

const figure = String.raw`\d+\.\d\d`;

describe("npm run bench, small", () => {
  it("fanout: prints the three-target ratio; each Hub file once; a second repository moves nothing", async () => {
    const { status, out } = await runBench({ BENCH: "fanout", BENCH_FANOUT_MIB: "8", BENCH_RUNS: "1" });
    expect(status, out).toBe(0);
    expect(out).toMatch(new RegExp(`ratio three targets/one target \\(median\\): ${figure} \\(goal <= 1\\.5\\)`));
    expect(out).toMatch(/3 of 3 targets hold the artifact/);
    expect(out).toMatch(/Hub bytes of the three-target publish: 8 MiB for a 8 MiB model \(goal: each file once\) met/);
    expect(out).toMatch(/second repository: 0 Hub bytes, 0 blob bytes \(goal 0 and 0\) met/);
  }, 120_000);

  it("scale: prints the ratio against the registry's own ingest and the peak RSS at both sizes", async () => {
    const { status, out } = await runBench({ BENCH: "scale", BENCH_SCALE_GIB: "0.25" });
    expect(status, out).toBe(0);
    expect(out).toMatch(new RegExp(`ratio ours/ingest \\(median\\): ${figure} \\(goal <= 1\\.15\\)`));
    expect(out).toMatch(/Hub bytes served 256 MiB/);
    expect(out).toMatch(
      /peak RSS of the publishing process: \d+ MiB at 64 MiB, \d+ MiB at 256 MiB \(goal <= 200 MiB\)/,
    );
    expect(out).toMatch(new RegExp(`RSS 256 MiB/64 MiB: ${figure}`));
  }, 120_000);
});
