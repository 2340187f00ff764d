import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDuration, relativeTime } from "./units.js";

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.00 KiB"],
    [1536, "1.50 KiB"],
    [10 * 1024 * 1024, "10.0 MiB"],
    [300 * 1024 * 1024, "300 MiB"],
    [1.5 * 1024 ** 3, "1.50 GiB"],
    [-1, "—"],
  ])("%d → %s", (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe("formatCount", () => {
  it.each([
    [999, "999"],
    [1000, "1k"],
    [1234, "1.2k"],
    [1_234_567, "1.2M"],
    [7_615_616_512, "7.6B"],
    [250_000, "250k"],
  ])("%d → %s", (count, text) => expect(formatCount(count)).toBe(text));
});

describe("formatDuration", () => {
  it.each([
    [5, "5 s"],
    [125, "2 min 5 s"],
    [3720, "1 h 2 min"],
  ])("%d → %s", (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe("relativeTime", () => {
  const now = Date.parse("2026-01-10T12:00:00Z");
  it.each([
    ["2026-01-10T11:57:00Z", "3 minutes ago"],
    ["2026-01-10T11:59:58Z", "2 seconds ago"],
    ["2026-01-09T12:00:00Z", "yesterday"],
    ["2025-12-10T12:00:00Z", "last month"],
    ["not a date", "—"],
  ])("%s → %s", (iso, text) => expect(relativeTime(iso, now)).toBe(text));
});
