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

/** Nearest-rank percentile (p in 0..100]: the smallest value with at least p% of values at or below it. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * A percentage is published only when it is a ratio of two published counts and the denominator is at
 * least k: it then carries nothing a reader could not compute from the table already.
 */
export function publishPercentage(numerator: Published, denominator: Published, minCellSize: number): Published {
  if (numerator.suppressed || denominator.suppressed || denominator.value < minCellSize) return { value: null, suppressed: true };
  return { value: Math.round((1000 * numerator.value) / denominator.value) / 10, suppressed: false };
}
