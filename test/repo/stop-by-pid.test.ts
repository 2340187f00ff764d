// Scripts and tests stop only the processes they started, by process id: a command that ends processes by name would
// end a developer's own (registry, Chromium, builds) too. This scan keeps every script, test, CI step and npm script so.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const self = fileURLToPath(import.meta.url);
const scanned = [".ci", "scripts", "test", "backend/bin", "backend/src", "ui/src", "contract/src"];
const scannedFiles = ["package.json", "backend/package.json", "ui/package.json", "contract/package.json", "Dockerfile"];

// The two commands that end processes by name, spelled in parts so that this guard is not itself a line that names
// them (a text search for them over the repo finds the callers, not the scan).
const byNameCommands = ["p" + "kill", "kill" + "all"] as const;
const [pk, ka] = byNameCommands;

/** Those two commands, or a kill of what `pidof`/`pgrep` find: every way a shell line ends processes by name. */
const byName = new RegExp(`\\b(${byNameCommands.join("|")})\\b|\\bkill\\b[^\\n]*\\$\\(\\s*(pidof|pgrep)\\b`);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}

function linesStoppingByName(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .flatMap((line, i) => (byName.test(line) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : []));
}

describe("processes are stopped by id, never by name", () => {
  it("the pattern catches the ways of killing by name and lets a kill by pid pass", () => {
    for (const line of [
      `${pk} -x docker-registry 2>/dev/null || true`,
      `${ka} chromium`,
      `spawnSync("${pk}", ["-f", "standin"])`,
      "kill -9 $(pidof docker-registry)",
      "kill $( pgrep -f buildkitd )",
    ]) {
      expect(byName.test(line), line).toBe(true);
    }
    for (const line of ['kill "$(cat "$JOB/pid")"', "process.kill(pid, 'SIGKILL')", "child.kill('SIGTERM')"]) {
      expect(byName.test(line), line).toBe(false);
    }
  });

  it("no script, test, CI step, npm script or source file stops a process by name", () => {
    const files = [...scanned.flatMap((dir) => filesUnder(join(root, dir))), ...scannedFiles.map((f) => join(root, f))];
    expect(files.map((f) => relative(root, f))).toContain(".ci/run");
    expect(files.filter((file) => file !== self).flatMap(linesStoppingByName)).toEqual([]);
  });
});
