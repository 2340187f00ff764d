import { mkdir, readFile, rename, rm, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

/** The Hub token, kept in one file under STATE_DIR with mode 0600; never logged or answered. */
export class HfTokenStore {
  private readonly file: string;
  private cached: string | undefined;
  private loaded = false;
  /** The file exists: it decides, even empty (cleared), and the environment's seed no longer stands in. */
  private decided = false;

  constructor(
    stateDir: string,
    private readonly seed?: string,
  ) {
    this.file = join(stateDir, "hf-token");
  }

  /** The token, or undefined; the environment's `HF_TOKEN` stands in until one is stored or the token is cleared. */
  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      try {
        this.cached = (await readFile(this.file, "utf8")).trim() || undefined;
        this.decided = true;
      } catch {
        this.cached = undefined;
        this.decided = false;
      }
      this.loaded = true;
    }
    return this.decided ? this.cached : this.seed;
  }

  async set(token: string): Promise<void> {
    await this.write(token);
    this.cached = token;
  }

  /** Forgets the token, the seed from `HF_TOKEN` included: an empty file records that it was cleared. */
  async clear(): Promise<void> {
    await this.write("");
    this.cached = undefined;
  }

  private async write(content: string): Promise<void> {
    await mkdir(join(this.file, ".."), { recursive: true, mode: 0o700 });
    // A temp name of its own per write: two PUTs at once must not rename each other's file away.
    const temp = `${this.file}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, content, { mode: 0o600 });
      await chmod(temp, 0o600);
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    this.loaded = true;
    this.decided = true;
  }

  get path(): string {
    return this.file;
  }
}
