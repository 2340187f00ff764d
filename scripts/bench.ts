// `npm run bench`: runs every scripts/bench-*.ts case in turn (each prints its own figures); BENCH=<name> picks one.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.env.BENCH;
const cases = readdirSync(here)
  .filter((f) => /^bench-.+\.ts$/.test(f))
  .filter((f) => !only || f === `bench-${only}.ts`)
  .sort();
if (cases.length === 0) {
  process.stderr.write(`no bench case${only ? ` named ${only}` : ""} in ${here}\n`);
  process.exit(1);
}
let failed = false;
for (const file of cases) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(here, file)], { stdio: "inherit" });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
