import { publishCount } from './statistics';

/**
 * Disclosure control for a table of counts whose entries are linked by known sums (row, column and grand
 * totals, and hierarchy nodes such as facility = sum of its departments). Pure code: no framework, no I/O.
 *
 * What a reader knows: every published value, every relation `values[total] = sum(values[parts])`, and
 * that a suppressed entry is at least 1 (zeros are always published, so suppression itself says "not 0").
 * What we guarantee, for minimum cell size k:
 *  1. no published entry lies in 1..k-1 (primary suppression);
 *  2. in every relation that has a suppressed member, at least two members are suppressed;
 *  3. in every relation whose total is published, the suppressed parts add up to 0 or to at least k and
 *     to more than their number, so the part a reader can compute by subtraction is never itself a small
 *     cell, and cannot be split only one way (two hidden cells adding up to 2 are both 1);
 *  4. no suppressed entry is determined by the linear system of relations and published values
 *     (checked exactly by Gaussian elimination; complementary cells are added until none is);
 *  5. no suppressed entry is pinned to one value by interval reasoning with the lower bound of 1
 *     (e.g. a published 3 = x + y where y has two hidden non-zero parts of its own: x = 1);
 *  6. no suppressed entry is the same in every integer solution (a bounded search per entry; an entry
 *     whose search runs out of steps counts as pinned).
 */

/** `values[total] = sum of values[parts]`, by entry index. */
export interface Relation {
  total: number;
  parts: number[];
}

export interface LinkedTable {
  values: number[];
  relations: Relation[];
}

export interface Protection {
  /** Per entry: true when the entry must not be published. */
  suppressed: boolean[];
  /** Per entry: true when suppressed because the entry itself is in 1..k-1. */
  primary: boolean[];
}

const EPSILON = 1e-9;

/** True when a known sum of `hiddenCount` suppressed entries (each >= 1) would give something away. */
export function hiddenSumGivesAway(sum: number, hiddenCount: number, minCellSize: number): boolean {
  return hiddenCount > 0 && (sum < minCellSize || sum <= hiddenCount);
}

/** Applies primary and complementary suppression; the result satisfies guarantees 1-6 above. */
export function protectTable(table: LinkedTable, minCellSize: number): Protection {
  const { values, relations } = table;
  values.forEach((value, index) => {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`entry ${index} is not a non-negative integer count`);
  });
  // Guarantee 1: the rule for a single count, applied to every entry (all non-negative integers by now).
  const primary = values.map((value) => publishCount(value, minCellSize).suppressed);
  const suppressed = [...primary];
  const relationsOf = indexRelations(values.length, relations);

  /** The smallest non-zero published part of a relation, else its total when non-zero and published. */
  const complementFor = (relation: Relation): number | null => {
    let best: number | null = null;
    for (const part of relation.parts) {
      if (!suppressed[part] && values[part] > 0 && (best === null || values[part] < values[best])) best = part;
    }
    if (best === null && !suppressed[relation.total] && values[relation.total] > 0) best = relation.total;
    return best;
  };

  for (;;) {
    let changed = false;
    for (const relation of relations) {
      const members = [relation.total, ...relation.parts];
      const hidden = members.filter((member) => suppressed[member]);
      if (hidden.length === 0) continue;
      const hiddenParts = relation.parts.filter((part) => suppressed[part]);
      const hiddenPartsSum = hiddenParts.reduce((sum, part) => sum + values[part], 0);
      const needsMore = hidden.length === 1 || (!suppressed[relation.total] && hiddenSumGivesAway(hiddenPartsSum, hiddenParts.length, minCellSize));
      if (!needsMore) continue;
      const extra = complementFor(relation);
      if (extra !== null) {
        suppressed[extra] = true;
        changed = true;
      }
    }
    if (changed) continue;

    const pinned = pinnedEntries(table, suppressed);
    let determined = pinned.length > 0 ? pinned : determinedEntries(table, suppressed);
    if (determined.length === 0) determined = integerPinnedEntries(table, suppressed);
    if (determined.length === 0) break;
    const extra = breakDetermination(determined[0], table, suppressed, relationsOf);
    if (extra === null) break; // every non-zero entry is already suppressed
    suppressed[extra] = true;
  }
  return { suppressed, primary };
}

/**
 * Suppressed entries whose value follows exactly from the published values and the relations.
 * Reduced row echelon form over the suppressed entries: an unknown is determined exactly when its pivot
 * row has no free unknown left in it.
 */
export function determinedEntries(table: LinkedTable, suppressed: boolean[]): number[] {
  const unknowns: number[] = [];
  const column = new Map<number, number>();
  suppressed.forEach((hidden, index) => {
    if (hidden) {
      column.set(index, unknowns.length);
      unknowns.push(index);
    }
  });
  if (unknowns.length === 0) return [];
  const width = unknowns.length;
  const rows: Float64Array[] = [];
  for (const relation of table.relations) {
    const row = new Float64Array(width);
    let any = false;
    const add = (entry: number, coefficient: number) => {
      const at = column.get(entry);
      if (at !== undefined) {
        row[at] += coefficient;
        any = true;
      }
    };
    add(relation.total, -1);
    relation.parts.forEach((part) => add(part, 1));
    if (any) rows.push(row);
  }
  const pivots: { row: Float64Array; column: number }[] = [];
  let pivotRow = 0;
  for (let col = 0; col < width && pivotRow < rows.length; col++) {
    let best = -1;
    for (let r = pivotRow; r < rows.length; r++) {
      if (Math.abs(rows[r][col]) > EPSILON && (best === -1 || Math.abs(rows[r][col]) > Math.abs(rows[best][col]))) best = r;
    }
    if (best === -1) continue;
    [rows[pivotRow], rows[best]] = [rows[best], rows[pivotRow]];
    const pivot = rows[pivotRow];
    const scale = pivot[col];
    for (let c = col; c < width; c++) pivot[c] /= scale;
    for (let r = 0; r < rows.length; r++) {
      if (r === pivotRow) continue;
      const factor = rows[r][col];
      if (Math.abs(factor) <= EPSILON) continue;
      const target = rows[r];
      for (let c = col; c < width; c++) target[c] -= factor * pivot[c];
    }
    pivots.push({ row: pivot, column: col });
    pivotRow++;
  }
  const determined: number[] = [];
  for (const { row, column: col } of pivots) {
    let free = false;
    for (let c = 0; c < width && !free; c++) if (c !== col && Math.abs(row[c]) > EPSILON) free = true;
    if (!free) determined.push(unknowns[col]);
  }
  return determined.sort((a, b) => a - b);
}

/**
 * Suppressed entries whose interval, as a reader can narrow it from the relations, the published values
 * and "hidden means at least 1", shrinks to a single value.
 */
export function pinnedEntries(table: LinkedTable, suppressed: boolean[]): number[] {
  const { lo, hi } = readerBounds(table, suppressed);
  narrowBounds(table.relations, lo, hi);
  return suppressed.flatMap((hidden, i) => (hidden && lo[i] >= hi[i] ? [i] : []));
}

/** What a reader knows of each entry before reasoning: a published value exactly, a hidden one from 1 to a ceiling. */
function readerBounds(table: LinkedTable, suppressed: boolean[]): { lo: number[]; hi: number[] } {
  const ceiling = table.values.reduce((sum, value) => sum + value, 0) * 2 + 10;
  return {
    lo: table.values.map((value, i) => (suppressed[i] ? 1 : value)),
    hi: table.values.map((value, i) => (suppressed[i] ? ceiling : value)),
  };
}

/** Narrows the bounds by the relations until they stop moving; false when no values fit them. */
function narrowBounds(relations: Relation[], lo: number[], hi: number[]): boolean {
  for (let changed = true, rounds = 0; changed && rounds < 1000; rounds++) {
    changed = false;
    for (const { total, parts } of relations) {
      let sumLo = 0;
      let sumHi = 0;
      for (const part of parts) {
        sumLo += lo[part];
        sumHi += hi[part];
      }
      if (lo[total] < sumLo) [lo[total], changed] = [sumLo, true];
      if (hi[total] > sumHi) [hi[total], changed] = [sumHi, true];
      for (const part of parts) {
        const partLo = lo[total] - (sumHi - hi[part]);
        const partHi = hi[total] - (sumLo - lo[part]);
        if (lo[part] < partLo) [lo[part], changed] = [partLo, true];
        if (hi[part] > partHi) [hi[part], changed] = [partHi, true];
      }
      if (lo[total] > hi[total] || parts.some((part) => lo[part] > hi[part])) return false;
    }
  }
  return true;
}

/** Search steps per hidden entry before integerPinnedEntries gives up and counts the entry as pinned. */
const INTEGER_SEARCH_BUDGET = 5_000;

/**
 * Suppressed entries that only one whole number fits: counts are integers, and a reader may search for every
 * integer solution, which finds what bounds and elimination over the reals miss (found by the property tests'
 * independent attacker on a two-level table where three hidden 1s were the only integer fit). For each hidden
 * entry, looks for a consistent integer assignment that gives it another value; one without, or whose search
 * runs out of budget, counts as pinned (suppressing more is the safe side).
 */
export function integerPinnedEntries(table: LinkedTable, suppressed: boolean[], budget = INTEGER_SEARCH_BUDGET): number[] {
  const start = readerBounds(table, suppressed);
  if (!narrowBounds(table.relations, start.lo, start.hi)) return [];
  return suppressed.flatMap((hidden, entry) => {
    if (!hidden) return [];
    const steps = { left: budget };
    const truth = table.values[entry];
    const otherValue = (lo: number, hi: number) => {
      const bounds = { lo: [...start.lo], hi: [...start.hi] };
      bounds.lo[entry] = Math.max(bounds.lo[entry], lo);
      bounds.hi[entry] = Math.min(bounds.hi[entry], hi);
      return integerSolutionExists(table.relations, bounds.lo, bounds.hi, steps);
    };
    return otherValue(-Infinity, truth - 1) || otherValue(truth + 1, Infinity) ? [] : [entry];
  });
}

/** Depth-first over the widest-open entry's halves, narrowing at each step; false too when the steps run out. */
function integerSolutionExists(relations: Relation[], lo: number[], hi: number[], steps: { left: number }): boolean {
  if (--steps.left < 0) return false;
  if (lo.some((low, i) => low > hi[i]) || !narrowBounds(relations, lo, hi)) return false;
  let pick = -1;
  for (let i = 0; i < lo.length; i++) if (lo[i] < hi[i] && (pick === -1 || hi[i] - lo[i] < hi[pick] - lo[pick])) pick = i;
  if (pick === -1) return true; // every entry fixed, and the relations hold
  const middle = Math.floor((lo[pick] + hi[pick]) / 2);
  const lowerHi = [...hi];
  lowerHi[pick] = middle;
  if (integerSolutionExists(relations, [...lo], lowerHi, steps)) return true;
  const upperLo = [...lo];
  upperLo[pick] = middle + 1;
  return integerSolutionExists(relations, upperLo, [...hi], steps);
}

function indexRelations(size: number, relations: Relation[]): Relation[][] {
  const byEntry: Relation[][] = Array.from({ length: size }, () => []);
  for (const relation of relations) {
    byEntry[relation.total].push(relation);
    relation.parts.forEach((part) => byEntry[part].push(relation));
  }
  return byEntry;
}

/**
 * Picks one more entry to suppress so that a determined entry gets a degree of freedom: the smallest
 * published non-zero member of a relation around it, widening the search ring by ring.
 */
function breakDetermination(entry: number, table: LinkedTable, suppressed: boolean[], relationsOf: Relation[][]): number | null {
  const seen = new Set<number>([entry]);
  let frontier = [entry];
  while (frontier.length > 0) {
    let best: number | null = null;
    const next: number[] = [];
    for (const current of frontier) {
      for (const relation of relationsOf[current]) {
        for (const member of [relation.total, ...relation.parts]) {
          if (seen.has(member)) continue;
          seen.add(member);
          if (suppressed[member]) next.push(member);
          else if (table.values[member] > 0 && (best === null || table.values[member] < table.values[best])) best = member;
        }
      }
    }
    if (best !== null) return best;
    frontier = next;
  }
  let fallback: number | null = null;
  table.values.forEach((value, index) => {
    if (!suppressed[index] && value > 0 && (fallback === null || value < table.values[fallback])) fallback = index;
  });
  return fallback;
}
