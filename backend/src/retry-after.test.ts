import { describe, expect, it } from "vitest";
import { retryAfterHeaderSeconds } from "./retry-after.js";

describe("retryAfterHeaderSeconds", () => {
  const now = Date.parse("2026-11-28T12:00:00Z");
  it.each<[string | null, number | undefined]>([
    ["120", 120],
    [" 5 ", 5],
    ["Sat, 28 Nov 2026 12:00:30 GMT", 30],
    ["Sat, 28 Nov 2026 11:59:00 GMT", 0],
    ["soon", undefined],
    ["-3", undefined],
    [null, undefined],
  ])("%j → %s", (value, seconds) => {
    expect(retryAfterHeaderSeconds(value, now)).toBe(seconds);
  });
});
