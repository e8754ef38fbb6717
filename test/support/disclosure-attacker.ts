import type { Relation } from '../../apps/reporting/src/disclosure/linked-table';

/**
 * An attacker, written independently of the suppression code, for the property tests: given what was
 * published (null = suppressed), the known relations and what a reader knows about hidden entries, it
 * searches for integer solutions. A suppressed entry is recovered when every solution gives it the same
 * value. Integer search with interval propagation, so it also finds what pure linear algebra would miss
 * (e.g. a+b = 2 with a, b >= 1 gives a = b = 1).
 *
 * What a reader knows beyond the published values is given as `floors`: a hidden count is at least 1
 * (zeros are published), and a published statistic says the cases it rests on number at least k (see
 * `statisticFloors` in the property tests). Successive releases of one period are attacked together with
 * `linkReleases`.
 */
export interface AttackResult {
  /** Suppressed entries whose true value is the only one consistent with the publication. */
  recovered: number[];
  /** Entries for which the search ran out of budget (treated as recovered by callers: be conservative). */
  inconclusive: number[];
}

export interface AttackOptions {
  /** Per entry, the lowest value a reader knows it has; a hidden entry without one is at least 1. */
  floors?: (number | undefined)[];
  /** Per entry, the highest value a reader knows it can have (e.g. from a published percentage). */
  ceilings?: (number | undefined)[];
  /** The hidden entries to try to recover (default: every hidden entry). */
  targets?: number[];
  nodeBudget?: number;
}

type Bounds = { lo: number[]; hi: number[] };

export function attack(published: (number | null)[], relations: Relation[], truth: number[], options: AttackOptions = {}): AttackResult {
  const ceiling = truth.reduce((sum, value) => sum + value, 0) + 10;
  const lo = published.map((value, i) => (value === null ? (options.floors?.[i] ?? 1) : value));
  const hi = published.map((value, i) => (value === null ? Math.min(ceiling, options.ceilings?.[i] ?? ceiling) : value));
  const recovered: number[] = [];
  const inconclusive: number[] = [];
  const targets = options.targets ?? published.flatMap((value, entry) => (value === null ? [entry] : []));
  for (const entry of targets) {
    if (published[entry] !== null) continue;
    const budget = { nodes: options.nodeBudget ?? 20_000 };
    const below = { lo: [...lo], hi: [...hi] };
    below.hi[entry] = truth[entry] - 1;
    const above = { lo: [...lo], hi: [...hi] };
    above.lo[entry] = truth[entry] + 1;
    const other = solve(below, relations, budget) || solve(above, relations, budget);
    if (budget.nodes <= 0 && !other) inconclusive.push(entry);
    else if (!other) recovered.push(entry);
  }
  return { recovered, inconclusive };
}

/** One release of a table as a reader holds it. */
export interface Publication {
  published: (number | null)[];
  truth: number[];
  floors?: (number | undefined)[];
  ceilings?: (number | undefined)[];
}

/**
 * Two releases of the same table (same entries, same relations), the second made after cases were added:
 * a reader who assumes only that (second = first + added, every added count >= 0, the added cases obey
 * the same relations) can difference them. Returns one system over [first | added | second]: attack it,
 * with its `targets`: a recovered entry is a hidden count of either release that the pair gives away.
 */
export function linkReleases(first: Publication, second: Publication, relations: Relation[]): Publication & { relations: Relation[]; targets: number[] } {
  const n = first.truth.length;
  const shift = (offset: number) => relations.map(({ total, parts }) => ({ total: total + offset, parts: parts.map((part) => part + offset) }));
  const linked: Relation[] = [...shift(0), ...shift(n), ...shift(2 * n)];
  for (let i = 0; i < n; i++) linked.push({ total: 2 * n + i, parts: [i, n + i] });
  const known = (side: (number | undefined)[] | undefined, added: number | undefined, other: (number | undefined)[] | undefined) => [
    ...first.truth.map((_, i) => side?.[i]),
    ...new Array<number | undefined>(n).fill(added),
    ...second.truth.map((_, i) => other?.[i]),
  ];
  return {
    published: [...first.published, ...new Array<null>(n).fill(null), ...second.published],
    truth: [...first.truth, ...second.truth.map((value, i) => value - first.truth[i]), ...second.truth],
    floors: known(first.floors, 0, second.floors),
    ceilings: known(first.ceilings, undefined, second.ceilings),
    relations: linked,
    // The hidden counts of either release; what was added in between is an unknown, not a target.
    targets: [...first.published.flatMap((value, i) => (value === null ? [i] : [])), ...second.published.flatMap((value, i) => (value === null ? [2 * n + i] : []))],
  };
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
