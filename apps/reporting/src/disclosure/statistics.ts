/** A published number: either the value, or suppressed because it rests on too few cases. */
export type Published = { value: number; suppressed: false } | { value: null; suppressed: true };

/** The one suppressed value, shared (and frozen) wherever a number is withheld. */
export const SUPPRESSED: Published = Object.freeze({ value: null, suppressed: true });

/**
 * Counts between 1 and k-1 are never published; zero is (it identifies no one). This is the primary
 * suppression of `protectTable`.
 */
export function publishCount(count: number, minCellSize: number): Published {
  return count === 0 || count >= minCellSize ? { value: count, suppressed: false } : SUPPRESSED;
}

/**
 * A statistic (median, p90) is published only together with the count of the cases it rests on: that
 * count (`base`) must itself be published and at least k, and every one of those cases must carry a
 * value (`valueCount === base.value`). Otherwise the statistic's mere presence would say "this hidden
 * group holds at least k cases", which narrows the hidden cells around it. The caller also withholds
 * every statistic of a row whose own count is hidden.
 */
export function publishStatistic(value: number | null, valueCount: number, base: Published, minCellSize: number): Published {
  if (value === null || base.suppressed || base.value < minCellSize || valueCount !== base.value) return SUPPRESSED;
  return { value, suppressed: false };
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
  if (numerator.suppressed || denominator.suppressed || denominator.value < minCellSize) return SUPPRESSED;
  return { value: Math.round((1000 * numerator.value) / denominator.value) / 10, suppressed: false };
}

/**
 * A sum of published values (e.g. a quarter added up from its released months); suppressed if any part
 * is. A missing part counts 0 (a place absent from a release has no cases there).
 */
export function sumPublished(parts: (Published | undefined)[]): Published {
  let total = 0;
  for (const part of parts) {
    if (!part) continue;
    if (part.suppressed) return SUPPRESSED;
    total += part.value;
  }
  return { value: total, suppressed: false };
}
