import { Relation } from './linked-table';

/**
 * An attacker, written independently of the suppression code, for the property tests: given what was
 * published (null = suppressed), the known relations and the fact that suppressed entries are >= 1, it
 * searches for integer solutions. A suppressed entry is recovered when every solution gives it the same
 * value. Integer search with interval propagation, so it also finds what pure linear algebra would miss
 * (e.g. a+b = 2 with a, b >= 1 gives a = b = 1).
 */
export interface AttackResult {
  /** Suppressed entries whose true value is the only one consistent with the publication. */
  recovered: number[];
  /** Entries for which the search ran out of budget (treated as recovered by callers: be conservative). */
  inconclusive: number[];
}

type Bounds = { lo: number[]; hi: number[] };

export function attack(published: (number | null)[], relations: Relation[], truth: number[], nodeBudget = 20_000): AttackResult {
  const ceiling = truth.reduce((sum, value) => sum + value, 0) + 10;
  const lo = published.map((value) => (value === null ? 1 : value));
  const hi = published.map((value) => (value === null ? ceiling : value));
  const recovered: number[] = [];
  const inconclusive: number[] = [];
  published.forEach((value, entry) => {
    if (value !== null) return;
    const budget = { nodes: nodeBudget };
    const below = { lo: [...lo], hi: [...hi] };
    below.hi[entry] = truth[entry] - 1;
    const above = { lo: [...lo], hi: [...hi] };
    above.lo[entry] = truth[entry] + 1;
    const other = solve(below, relations, budget) || solve(above, relations, budget);
    if (budget.nodes <= 0 && !other) inconclusive.push(entry);
    else if (!other) recovered.push(entry);
  });
  return { recovered, inconclusive };
}

function propagate(bounds: Bounds, relations: Relation[]): boolean {
  const { lo, hi } = bounds;
  for (let changed = true; changed; ) {
    changed = false;
    for (const { total, parts } of relations) {
      const sumLo = parts.reduce((s, p) => s + lo[p], 0);
      const sumHi = parts.reduce((s, p) => s + hi[p], 0);
      if (lo[total] < sumLo) [lo[total], changed] = [sumLo, true];
      if (hi[total] > sumHi) [hi[total], changed] = [sumHi, true];
      for (const part of parts) {
        const partLo = lo[total] - (sumHi - hi[part]);
        const partHi = hi[total] - (sumLo - lo[part]);
        if (lo[part] < partLo) [lo[part], changed] = [partLo, true];
        if (hi[part] > partHi) [hi[part], changed] = [partHi, true];
      }
      if (lo[total] > hi[total] || parts.some((p) => lo[p] > hi[p])) return false;
    }
  }
  return true;
}

function solve(bounds: Bounds, relations: Relation[], budget: { nodes: number }): boolean {
  if (--budget.nodes < 0) return false;
  if (bounds.lo.some((l, i) => l > bounds.hi[i])) return false;
  if (!propagate(bounds, relations)) return false;
  let pick = -1;
  for (let i = 0; i < bounds.lo.length; i++) {
    if (bounds.lo[i] < bounds.hi[i] && (pick === -1 || bounds.hi[i] - bounds.lo[i] < bounds.hi[pick] - bounds.lo[pick])) pick = i;
  }
  if (pick === -1) return true; // all fixed and every relation holds after propagation
  const middle = Math.floor((bounds.lo[pick] + bounds.hi[pick]) / 2);
  const left = { lo: [...bounds.lo], hi: [...bounds.hi] };
  left.hi[pick] = middle;
  if (solve(left, relations, budget)) return true;
  const right = { lo: [...bounds.lo], hi: [...bounds.hi] };
  right.lo[pick] = middle + 1;
  return solve(right, relations, budget);
}
