// Each reliability suite writes what it measured to test-output/reliability/<suite>.json; scripts/reliability-report.ts
// turns every such file into docs/reliability.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const figuresDir = fileURLToPath(new URL("../../test-output/reliability", import.meta.url));

/** One figure: what was counted, and the number. */
export interface Figure {
  label: string;
  value: number | string;
}

export interface FiguresFile {
  /** Section title in the report. */
  title: string;
  /** The test file the figures come from. */
  source: string;
  /** ISO time the suite finished. */
  at: string;
  /** True when every check of the suite held. */
  passed: boolean;
  figures: Figure[];
  /** Optional table rows (e.g. one per case), rendered under the figures. */
  rows?: Array<Record<string, string | number | boolean>>;
}

export function writeFigures(name: string, file: Omit<FiguresFile, "at">): void {
  mkdirSync(figuresDir, { recursive: true });
  const body: FiguresFile = { ...file, at: new Date().toISOString() };
  writeFileSync(join(figuresDir, `${name}.json`), `${JSON.stringify(body, null, 2)}\n`);
}
