import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

interface Entry {
  sha256: string;
  size: number;
}

const maxEntries = 10_000;
const shaRe = /^[0-9a-f]{64}$/;

/**
 * The sha256 of files kept in git, by git blob id. The Hub lists only the git id of such files, so their layer
 * digest needs their bytes; remembering it lets a re-publish skip them without downloading anything. The git id is
 * itself a hash of the content, so an entry can never go stale.
 */
export class GitDigestCache {
  private readonly entries = new Map<string, Entry>();
  private dirty = false;

  /** `file` keeps the entries between runs; in memory only without it. */
  constructor(private readonly file?: string) {
    if (!file) return;
    try {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, Entry>;
      for (const [oid, entry] of Object.entries(parsed)) {
        if (typeof entry?.sha256 === "string" && shaRe.test(entry.sha256) && Number.isInteger(entry.size)) {
          this.entries.set(oid, { sha256: entry.sha256, size: entry.size });
        }
      }
    } catch {
      // No file yet, or a damaged one: start empty.
    }
  }

  /** The sha256 of the file with this git id and size, when seen before. */
  get(gitOid: string, size: number): string | undefined {
    const entry = this.entries.get(gitOid);
    return entry && entry.size === size ? entry.sha256 : undefined;
  }

  set(gitOid: string, size: number, sha256: string): void {
    if (this.entries.get(gitOid)?.sha256 === sha256) return;
    this.entries.delete(gitOid);
    this.entries.set(gitOid, { sha256, size });
    if (this.entries.size > maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.dirty = true;
  }

  /** Writes the entries (atomically) when something changed. */
  save(): void {
    if (!this.file || !this.dirty) return;
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(Object.fromEntries(this.entries)), { mode: 0o600 });
    renameSync(temp, this.file);
    this.dirty = false;
  }
}
