/** A published number: either the value, or suppressed because it rests on too few cases. */
export type Published = { value: number; suppressed: false } | { value: null; suppressed: true };

/** Counts between 1 and k-1 are never published; zero is (it identifies no one). */
export function publishCount(count: number, minCellSize: number): Published {
  return count === 0 || count >= minCellSize ? { value: count, suppressed: false } : { value: null, suppressed: true };
}

/** A statistic (median, percentage) is published only when computed from at least k cases. */
export function publishStatistic(value: number | null, basedOn: number, minCellSize: number): Published {
  return value !== null && basedOn >= minCellSize ? { value, suppressed: false } : { value: null, suppressed: true };
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
