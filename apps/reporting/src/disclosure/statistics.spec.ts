import fc from 'fast-check';
import { median, percentile, Published, publishCount, publishPercentage, publishStatistic, SUPPRESSED as SHARED_SUPPRESSED, sumPublished } from './statistics';

const SUPPRESSED = { value: null, suppressed: true as const };

describe('publishCount', () => {
  it('publishes zero: it identifies no one', () => {
    expect(publishCount(0, 11)).toEqual({ value: 0, suppressed: false });
  });

  it('suppresses 1..k-1 and publishes k and above', () => {
    expect(publishCount(1, 11)).toEqual(SUPPRESSED);
    expect(publishCount(10, 11)).toEqual(SUPPRESSED);
    expect(publishCount(11, 11)).toEqual({ value: 11, suppressed: false });
    expect(publishCount(250, 11)).toEqual({ value: 250, suppressed: false });
  });

  it('property: never reveals a count between 1 and k-1; always reveals 0 and counts of at least k', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 100 }), (count, k) => {
        const published = publishCount(count, k);
        if (count >= 1 && count < k) {
          expect(published).toEqual(SUPPRESSED);
        } else {
          expect(published).toEqual({ value: count, suppressed: false });
        }
      }),
    );
  });
});

describe('publishStatistic', () => {
  const shown = (value: number): Published => ({ value, suppressed: false });

  it('publishes a statistic when every case of its published base count (at least k) has a value', () => {
    expect(publishStatistic(42.5, 11, shown(11), 11)).toEqual({ value: 42.5, suppressed: false });
    expect(publishStatistic(0, 500, shown(500), 11)).toEqual({ value: 0, suppressed: false });
  });

  it('suppresses a statistic whose base count is hidden, even when it rests on k values or more', () => {
    // The 26 / 11 / 3 case: a median of the hidden 11 would prove the hidden row holds at least 11 cases.
    expect(publishStatistic(20, 11, SUPPRESSED, 11)).toEqual(SUPPRESSED);
    expect(publishStatistic(20, 40, SUPPRESSED, 11)).toEqual(SUPPRESSED);
  });

  it('suppresses a statistic from fewer than k cases, however harmless the value looks', () => {
    expect(publishStatistic(42.5, 10, shown(10), 11)).toEqual(SUPPRESSED);
    expect(publishStatistic(0, 0, shown(0), 11)).toEqual(SUPPRESSED);
  });

  it('suppresses a statistic when some cases of its base lack a value: their number would be a new, unprotected count', () => {
    expect(publishStatistic(42.5, 11, shown(12), 11)).toEqual(SUPPRESSED);
  });

  it('suppresses a missing statistic even when enough cases exist', () => {
    expect(publishStatistic(null, 100, shown(100), 11)).toEqual(SUPPRESSED);
  });

  it('property: published exactly when the value exists, the base is published, at least k and fully valued', () => {
    fc.assert(
      fc.property(
        fc.option(fc.double({ noNaN: true }), { nil: null }),
        fc.integer({ min: 0, max: 1000 }),
        fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null }),
        fc.integer({ min: 2, max: 100 }),
        (value, valueCount, baseCount, k) => {
          const base = baseCount === null ? SHARED_SUPPRESSED : shown(baseCount);
          const published = publishStatistic(value, valueCount, base, k);
          if (value !== null && baseCount !== null && baseCount >= k && valueCount === baseCount) expect(published).toEqual({ value, suppressed: false });
          else expect(published).toEqual(SUPPRESSED);
        },
      ),
      { seed: 0x5a7157 },
    );
  });
});

describe('median', () => {
  it('is null for no values', () => {
    expect(median([])).toBeNull();
  });

  it('is the middle value of an odd count and the mean of the two middle values of an even count', () => {
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('sorts numerically, not as strings', () => {
    // As strings, [10, 9, 100] would sort to [10, 100, 9] and give 100.
    expect(median([10, 9, 100])).toBe(10);
    expect(median([-5, 20, 3])).toBe(3);
  });

  it('does not reorder the caller\'s array', () => {
    const values = [5, 1, 4];
    median(values);
    expect(values).toEqual([5, 1, 4]);
  });

  /** Reference: sort ascending, pick or average the middle. */
  const referenceMedian = (values: number[]) => {
    const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const n = sorted.length;
    return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  };

  it('property: equals the reference median for any non-empty list, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 200 }), (values) => {
        expect(median(values)).toBe(referenceMedian(values));
      }),
    );
  });

  it('property: at least half the values are <= the median and at least half are >=', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 200 }), (values) => {
        const m = median(values) as number;
        expect(values.filter((value) => value <= m).length * 2).toBeGreaterThanOrEqual(values.length);
        expect(values.filter((value) => value >= m).length * 2).toBeGreaterThanOrEqual(values.length);
      }),
    );
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([], 90)).toBeNull();
    expect(percentile([5], 90)).toBe(5);
    expect(percentile(Array.from({ length: 10 }, (_, i) => i + 1), 90)).toBe(9);
    expect(percentile(Array.from({ length: 11 }, (_, i) => 11 - i), 90)).toBe(10);
  });

  it('property: at least p% of values are <= the percentile, and it is one of the values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 100 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
        const value = percentile(values, p) as number;
        expect(values).toContain(value);
        expect(values.filter((v) => v <= value).length * 100).toBeGreaterThanOrEqual(p * values.length);
      }),
    );
  });
});

describe('publishPercentage', () => {
  const shown = (value: number) => ({ value, suppressed: false as const });
  it('publishes a ratio of published counts with a denominator of at least k', () => {
    expect(publishPercentage(shown(11), shown(22), 11)).toEqual({ value: 50, suppressed: false });
    expect(publishPercentage(shown(0), shown(12), 11)).toEqual({ value: 0, suppressed: false });
  });

  it('suppresses when either count is suppressed or the denominator is below k', () => {
    expect(publishPercentage(SUPPRESSED, shown(40), 11)).toEqual(SUPPRESSED);
    expect(publishPercentage(shown(11), SUPPRESSED, 11)).toEqual(SUPPRESSED);
    expect(publishPercentage(shown(0), shown(0), 11)).toEqual(SUPPRESSED);
  });
});

describe('sumPublished', () => {
  const shown = (value: number) => ({ value, suppressed: false as const });
  it('adds published values, a missing part counting 0', () => {
    expect(sumPublished([shown(11), undefined, shown(0), shown(20)])).toEqual({ value: 31, suppressed: false });
    expect(sumPublished([])).toEqual({ value: 0, suppressed: false });
    expect(sumPublished([undefined])).toEqual({ value: 0, suppressed: false });
  });

  it('is suppressed when any part is, whatever the others add up to', () => {
    expect(sumPublished([shown(40), SUPPRESSED, shown(12)])).toEqual(SUPPRESSED);
    expect(sumPublished([SUPPRESSED, undefined])).toEqual(SUPPRESSED);
  });

  it('property: suppressed exactly when a part is, else the sum of the published parts', () => {
    const part = fc.option(fc.oneof(fc.nat({ max: 1000 }).map(shown), fc.constant<Published>(SUPPRESSED)), { nil: undefined });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const present = parts.filter((p): p is Published => p !== undefined);
        if (present.some((p) => p.suppressed)) expect(sumPublished(parts)).toEqual(SUPPRESSED);
        else expect(sumPublished(parts)).toEqual({ value: present.reduce((sum, p) => sum + (p.value ?? 0), 0), suppressed: false });
      }),
    );
  });
});

describe('SUPPRESSED', () => {
  it('is the one frozen value every publishing rule withholds with', () => {
    expect(SHARED_SUPPRESSED).toEqual(SUPPRESSED);
    expect(Object.isFrozen(SHARED_SUPPRESSED)).toBe(true);
    expect(publishCount(3, 11)).toBe(SHARED_SUPPRESSED);
    expect(publishStatistic(null, 100, { value: 100, suppressed: false }, 11)).toBe(SHARED_SUPPRESSED);
    expect(publishPercentage(SHARED_SUPPRESSED, { value: 40, suppressed: false }, 11)).toBe(SHARED_SUPPRESSED);
    expect(sumPublished([SHARED_SUPPRESSED])).toBe(SHARED_SUPPRESSED);
  });
});
