import type Database from "better-sqlite3";
import type { BlobLocations } from "../registry/blob-mount.js";

const schema = `
CREATE TABLE IF NOT EXISTS pushed_blobs (
  registry TEXT NOT NULL,
  digest TEXT NOT NULL,
  repository TEXT NOT NULL,
  pushed_at TEXT NOT NULL,
  PRIMARY KEY (registry, digest, repository)
) WITHOUT ROWID;
`;

/** Repositories answered per look-up: a mount tries a couple, more would only be older. */
const maxSources = 4;

/**
 * What the backend put where, kept with the job history (`jobs.sqlite`): digest → registry → repository. A later
 * publish to another repository of the same registry mounts the blob from one of these instead of sending it.
 */
export class PushedBlobs implements BlobLocations {
  private readonly insert: Database.Statement;
  private readonly select: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly recordAll: (registry: string, repository: string, digests: readonly string[]) => void;

  constructor(
    db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {
    db.exec(schema);
    this.insert = db.prepare(
      `INSERT INTO pushed_blobs (registry, digest, repository, pushed_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (registry, digest, repository) DO UPDATE SET pushed_at = excluded.pushed_at`,
    );
    this.select = db.prepare(
      `SELECT repository FROM pushed_blobs WHERE registry = ? AND digest = ? AND repository <> ?
         ORDER BY pushed_at DESC, repository LIMIT ?`,
    );
    this.remove = db.prepare("DELETE FROM pushed_blobs WHERE registry = ? AND digest = ? AND repository = ?");
    this.recordAll = db.transaction((registry: string, repository: string, digests: readonly string[]) => {
      const at = this.now().toISOString();
      for (const digest of digests) this.insert.run(registry, digest, repository, at);
    });
  }

  repositoriesWith(registry: string, digest: string, except: string): string[] {
    const rows = this.select.all(registry, digest, except, maxSources) as Array<{ repository: string }>;
    return rows.map((row) => row.repository);
  }

  record(registry: string, repository: string, digests: readonly string[]): void {
    if (digests.length > 0) this.recordAll(registry, repository, digests);
  }

  forget(registry: string, repository: string, digest: string): void {
    this.remove.run(registry, digest, repository);
  }
}
