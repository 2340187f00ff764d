import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/** Debian's Chromium (package `chromium`); a browser is never downloaded. */
export const chromiumBinary = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";

const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

export interface RunningChromium {
  context: BrowserContext;
  /** A first page, ready to use. */
  page: Page;
  /** Console errors and page errors seen so far, for assertions and failure messages. */
  errors: string[];
  close(): Promise<void>;
}

export interface ChromiumOptions {
  colorScheme?: "light" | "dark";
  /** CSS pixels; 1280x900 unless said. */
  viewport?: { width: number; height: number };
  /** Device pixels per CSS pixel, so a screenshot is `viewport × deviceScaleFactor`; 1 unless said. */
  deviceScaleFactor?: number;
}

/** Launches Chromium with a fresh temp profile; close() removes the profile. */
export async function launchChromium(options: ChromiumOptions = {}): Promise<RunningChromium> {
  if (!existsSync(chromiumBinary)) {
    throw new Error(
      `Chromium is missing at ${chromiumBinary}: install the Debian package "chromium" (apt-get install chromium).`,
    );
  }
  const userDataDir = await mkdtemp(join(tmpdir(), "mp-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumBinary,
      headless: true,
      args: chromiumFlags,
      viewport: options.viewport ?? { width: 1280, height: 900 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      colorScheme: options.colorScheme ?? "light",
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
    page.on("console", (message) => message.type() === "error" && errors.push(`console: ${message.text()}`));
  };
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  return {
    context,
    page,
    errors,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export type { Browser, BrowserContext, Page };
