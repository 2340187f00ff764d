// What every bench script prints its figures with: sizes in MiB, the median of its runs, and whether a goal was met.

export const mib = 1024 * 1024;

/** The middle run (or the mean of the two middle ones): a slow outlier on a shared machine moves it least. */
export function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const inMiB = (bytes: number): string => `${(bytes / mib).toFixed(0)} MiB`;

export const goal = (met: boolean): string => (met ? "met" : "MISSED");
