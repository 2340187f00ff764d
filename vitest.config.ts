import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "contract/src/**/*.test.ts",
            "backend/src/**/*.test.ts",
            "ui/src/**/*.test.ts",
            "test/**/*.test.ts",
          ],
          exclude: ["test/browser/**", "test/reliability/**", "**/node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "reliability",
          include: ["test/reliability/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One file at a time: the fault rows run the backend with a 1 s stall timeout, which a crash test restarting
          // backends beside them on a 2-core machine can outlast (seen in CI: a Hub answer after > 1 s).
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One Chromium at a time on a 2-core machine.
          fileParallelism: false,
          // A click that starts a job answers within seconds on a loaded machine, not within poll's default 1 s.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
