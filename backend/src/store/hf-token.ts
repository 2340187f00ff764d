import { mkdir, readFile, rename, rm, writeFile, chmod } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";

/** The Hub token, kept in one file under STATE_DIR with mode 0600; never logged or answered. */
export class HfTokenStore {
  private readonly file: string;
  private cached: string | undefined;
  private loaded = false;

  constructor(
    stateDir: string,
    private readonly seed?: string,
  ) {
    this.file = join(stateDir, "hf-token");
  }

  /** The token, or undefined; the environment's `HF_TOKEN` stands in until one is stored. */
  async get(): Promise<string | undefined> {
    if (!this.loaded) {
      try {
        this.cached = (await readFile(this.file, "utf8")).trim() || undefined;
      } catch {
        this.cached = undefined;
      }
      this.loaded = true;
    }
    return this.cached ?? this.seed;
  }

  async set(token: string): Promise<void> {
    await mkdir(join(this.file, ".."), { recursive: true, mode: 0o700 });
    // A temp name of its own per write: two PUTs at once must not rename each other's file away.
    const temp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(temp, token, { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, this.file);
    this.cached = token;
    this.loaded = true;
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
    this.cached = undefined;
    this.loaded = true;
  }

  get path(): string {
    return this.file;
  }
}
