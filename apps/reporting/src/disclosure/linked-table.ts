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
  const index = indexRelations(table);
  // An entry once shown to vary stays so: suppressing more only widens what a reader must consider.
  const shownToVary = new Array<boolean>(values.length).fill(false);

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

    const bounds = readerKnowledge(table, suppressed, index);
    let determined = pinnedIn(bounds, suppressed);
    if (determined.length === 0) {
      const form = echelonForm(table, suppressed);
      determined = determinedIn(form);
      if (determined.length === 0) determined = integerPinnedEntries(table, suppressed, { form, bounds, index, shownToVary });
    }
    if (determined.length === 0) break;
    const extra = breakDetermination(determined[0], table, suppressed, index);
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
  return determinedIn(echelonForm(table, suppressed));
}

/** The unknowns whose pivot row has no free unknown left in it. */
function determinedIn({ unknowns, pivots }: EchelonForm): number[] {
  return pivots.filter(({ row }) => row.size === 1).map(({ column }) => unknowns[column]).sort((a, b) => a - b);
}

interface EchelonForm {
  /** Entry index of each unknown (the suppressed entries), by column. */
  unknowns: number[];
  /** The pivot rows of the reduced row echelon form (non-zero coefficients by column), each with its pivot column. */
  pivots: { row: Map<number, number>; column: number }[];
  width: number;
}

/**
 * The relations as equations over the suppressed entries (published values moved out), in reduced row echelon form.
 * Rows are kept sparse, with an index of the rows using each column: a relation names a handful of entries, and a
 * release has thousands of hidden ones (dense rows made the elimination's column scans most of a release's cost).
 * What rounds to within EPSILON of zero is set to zero: it is noise, the true coefficients being small fractions.
 */
function echelonForm(table: LinkedTable, suppressed: boolean[]): EchelonForm {
  const unknowns: number[] = [];
  const column = new Map<number, number>();
  suppressed.forEach((hidden, index) => {
    if (hidden) {
      column.set(index, unknowns.length);
      unknowns.push(index);
    }
  });
  const width = unknowns.length;
  const rows: Map<number, number>[] = [];
  const rowsUsing = Array.from({ length: width }, () => new Set<number>());
  for (const relation of table.relations) {
    const row = new Map<number, number>();
    const add = (entry: number, coefficient: number) => {
      const at = column.get(entry);
      if (at !== undefined) row.set(at, (row.get(at) ?? 0) + coefficient);
    };
    add(relation.total, -1);
    relation.parts.forEach((part) => add(part, 1));
    for (const [at, coefficient] of row) if (coefficient === 0) row.delete(at);
    if (row.size === 0) continue;
    for (const at of row.keys()) rowsUsing[at].add(rows.length);
    rows.push(row);
  }
  const set = (r: number, at: number, value: number) => {
    if (Math.abs(value) > EPSILON) {
      rows[r].set(at, value);
      rowsUsing[at].add(r);
    } else {
      rows[r].delete(at);
      rowsUsing[at].delete(r);
    }
  };
  const isPivotRow = new Array<boolean>(rows.length).fill(false);
  const pivots: { row: Map<number, number>; column: number }[] = [];
  for (let col = 0; col < width; col++) {
    let best = -1;
    for (const r of rowsUsing[col]) {
      if (!isPivotRow[r] && (best === -1 || Math.abs(rows[r].get(col)!) > Math.abs(rows[best].get(col)!))) best = r;
    }
    if (best === -1) continue;
    isPivotRow[best] = true;
    const pivot = rows[best];
    const scale = pivot.get(col)!;
    for (const [at, value] of [...pivot]) set(best, at, value / scale);
    for (const r of [...rowsUsing[col]]) {
      if (r === best) continue;
      const factor = rows[r].get(col)!;
      for (const [at, value] of pivot) set(r, at, (rows[r].get(at) ?? 0) - factor * value);
      set(r, col, 0); // exactly zero, whatever the rounding
    }
    pivots.push({ row: pivot, column: col });
  }
  return { unknowns, pivots, width };
}

/**
 * Suppressed entries whose interval, as a reader can narrow it from the relations, the published values
 * and "hidden means at least 1", shrinks to a single value.
 */
export function pinnedEntries(table: LinkedTable, suppressed: boolean[]): number[] {
  return pinnedIn(readerKnowledge(table, suppressed, indexRelations(table)), suppressed);
}

function pinnedIn({ lo, hi }: Bounds, suppressed: boolean[]): number[] {
  return suppressed.flatMap((hidden, i) => (hidden && lo[i] >= hi[i] ? [i] : []));
}

interface Bounds {
  lo: number[];
  hi: number[];
}

/**
 * What a reader knows of each entry: a published value exactly, a hidden one from 1 to a ceiling, narrowed by the
 * relations.
 */
function readerKnowledge(table: LinkedTable, suppressed: boolean[], index: RelationIndex): Bounds {
  const ceiling = table.values.reduce((sum, value) => sum + value, 0) * 2 + 10;
  const bounds = {
    lo: table.values.map((value, i) => (suppressed[i] ? 1 : value)),
    hi: table.values.map((value, i) => (suppressed[i] ? ceiling : value)),
  };
  narrowBounds(index, bounds.lo, bounds.hi, null);
  return bounds;
}

/** The relations, and the numbers of the relations each entry is a member of. */
interface RelationIndex {
  relations: Relation[];
  relationsOf: number[][];
}

function indexRelations({ values, relations }: LinkedTable): RelationIndex {
  const relationsOf: number[][] = Array.from({ length: values.length }, () => []);
  relations.forEach(({ total, parts }, r) => [total, ...parts].forEach((member) => relationsOf[member].push(r)));
  return { relations, relationsOf };
}

/** The relations a member of any of `members` is in, each once. */
function relationsAround(members: Iterable<number>, { relations, relationsOf }: RelationIndex): Relation[] {
  const numbers = new Set<number>();
  for (const member of members) for (const r of relationsOf[member]) numbers.add(r);
  return [...numbers].map((r) => relations[r]);
}

/**
 * Narrows the bounds by the relations until they stop moving, from a work list: only relations of entries whose bounds
 * moved are looked at again (all of them to start with when `narrowed` is null, else those of the entry just narrowed).
 * False when no values fit them.
 */
function narrowBounds({ relations, relationsOf }: RelationIndex, lo: number[], hi: number[], narrowed: number | null): boolean {
  if (lo.some((low, i) => low > hi[i])) return false;
  const queued = new Uint8Array(relations.length);
  const queue: number[] = narrowed === null ? relations.map((_, r) => r) : [...relationsOf[narrowed]];
  queue.forEach((r) => (queued[r] = 1));
  const moved = (entry: number) => {
    for (const r of relationsOf[entry]) {
      if (queued[r]) continue;
      queued[r] = 1;
      queue.push(r);
    }
  };
  const raise = (entry: number, value: number) => {
    if (lo[entry] < value) {
      lo[entry] = value;
      moved(entry);
    }
  };
  const lower = (entry: number, value: number) => {
    if (hi[entry] > value) {
      hi[entry] = value;
      moved(entry);
    }
  };
  for (let visits = relations.length * 1000; queue.length > 0 && visits > 0; visits--) {
    const r = queue.pop()!;
    queued[r] = 0;
    const { total, parts } = relations[r];
    let sumLo = 0;
    let sumHi = 0;
    for (const part of parts) {
      sumLo += lo[part];
      sumHi += hi[part];
    }
    raise(total, sumLo);
    lower(total, sumHi);
    for (const part of parts) {
      raise(part, lo[total] - (sumHi - hi[part]));
      lower(part, hi[total] - (sumLo - lo[part]));
    }
    if (lo[total] > hi[total] || parts.some((part) => lo[part] > hi[part])) return false;
  }
  return true;
}

/** Search steps per attempt of integerPinnedEntries's local search. */
const INTEGER_SEARCH_BUDGET = 2_000;
/** How many rings of neighbours around an entry the local search lets move before it counts the entry as pinned. */
const INTEGER_SEARCH_RINGS = 16;
/** The largest denominator tried when turning a direction of the echelon form into whole numbers. */
const MAX_DENOMINATOR = 12;

/**
 * Suppressed entries that only one whole number fits: counts are integers, and a reader may search for every
 * integer solution, which finds what bounds and elimination over the reals miss (found by the property tests'
 * independent attacker on a two-level table where three hidden 1s were the only integer fit). An entry is free
 * only when an integer assignment consistent with everything a reader knows, and checked exactly, gives it
 * another value; each one found frees every entry it moves. They come first from the directions the relations
 * leave free (the echelon form's kernel, in whole numbers), then from a local search: the entry and its hidden
 * neighbours within a few rings of relations may move, everything else keeps its true value. An entry without
 * one counts as pinned (suppressing more is the safe side). The search is local so that its cost grows with a
 * neighbourhood, not with the table: a whole-table search took minutes on a year of a ten-department hospital.
 */
export function integerPinnedEntries(table: LinkedTable, suppressed: boolean[], known: IntegerSearchState = {}): number[] {
  const free = known.shownToVary ?? new Array<boolean>(table.values.length).fill(false);
  const open = () => suppressed.some((hidden, entry) => hidden && !free[entry]);
  if (!open()) return [];
  const index = known.index ?? indexRelations(table);
  const bounds = known.bounds ?? readerKnowledge(table, suppressed, index);
  const freeEveryMoved = (moved: Map<number, number>) => {
    for (const [entry, value] of moved) if (value !== table.values[entry]) free[entry] = true;
  };
  kernelSolutions(table, known.form ?? echelonForm(table, suppressed), bounds, free, index, freeEveryMoved);
  if (!open()) return [];
  const search = { budget: known.budget ?? INTEGER_SEARCH_BUDGET, steps: known.steps ?? { taken: 0 } };
  return suppressed.flatMap((hidden, entry) => {
    if (!hidden || free[entry]) return [];
    const solution = localSolutionMoving(entry, table, suppressed, bounds, index, search);
    if (!solution) return [entry];
    freeEveryMoved(solution);
    return [];
  });
}

export interface IntegerSearchState {
  /** What protectTable already worked out for the same suppression: its echelon form, the reader's bounds, the relation index. */
  form?: EchelonForm;
  bounds?: Bounds;
  index?: RelationIndex;
  /** Per entry, whether an earlier search already found it another value; updated with what this one finds. */
  shownToVary?: boolean[];
  /** Steps per attempt of the local search. */
  budget?: number;
  /** Counts the local search's steps (what the search costs, for tests and measurements). */
  steps?: { taken: number };
}

/**
 * An integer assignment, consistent with the relations and the reader's bounds, that gives `entry` another value
 * while only hidden entries within a few rings of it move; null when none is found within the budget.
 */
function localSolutionMoving(
  entry: number, table: LinkedTable, suppressed: boolean[], bounds: Bounds, index: RelationIndex, search: LocalSearch,
): Map<number, number> | null {
  const movable = new Set<number>([entry]);
  let ring = [entry];
  for (let rings = 1; rings <= INTEGER_SEARCH_RINGS && ring.length > 0; rings++) {
    const next: number[] = [];
    for (const member of ring) {
      for (const r of index.relationsOf[member]) {
        const relation = index.relations[r];
        for (const other of [relation.total, ...relation.parts]) {
          if (suppressed[other] && !movable.has(other)) {
            movable.add(other);
            next.push(other);
          }
        }
      }
    }
    ring = next;
    if (ring.length === 0 && rings > 1) break; // the whole connected part was already tried
    const solution = solveWithin(entry, [...movable], table, bounds, index, search);
    if (solution) return solution;
  }
  return null;
}

/** Searches the assignments in which only `movable` entries leave their true values and `entry` does. */
function solveWithin(
  entry: number, movable: number[], table: LinkedTable, bounds: Bounds, index: RelationIndex, search: LocalSearch,
): Map<number, number> | null {
  // The relations that touch a movable entry; every other one holds with the true values.
  const touched = relationsAround(movable, index);
  const local = new Map<number, number>();
  const localOf = (member: number) => {
    let at = local.get(member);
    if (at === undefined) {
      at = local.size;
      local.set(member, at);
    }
    return at;
  };
  const movableSet = new Set(movable);
  const relations = touched.map(({ total, parts }) => ({ total: localOf(total), parts: parts.map(localOf) }));
  const members = [...local.keys()];
  const lo = members.map((member) => (movableSet.has(member) ? bounds.lo[member] : table.values[member]));
  const hi = members.map((member) => (movableSet.has(member) ? bounds.hi[member] : table.values[member]));
  const truth = members.map((member) => table.values[member]);
  const at = local.get(entry)!;
  const system = { ...indexRelations({ values: truth, relations }), truth };
  const steps = { left: search.budget };
  try {
    for (const [low, high] of [[lo[at], truth[at] - 1], [truth[at] + 1, hi[at]]]) {
      if (low > high) continue;
      const tryLo = [...lo];
      const tryHi = [...hi];
      tryLo[at] = low;
      tryHi[at] = high;
      const found = integerSolution(system, tryLo, tryHi, null, steps);
      if (found) {
        const moved = new Map(members.flatMap((member, i) => (found[i] === truth[i] ? [] : [[member, found[i]] as const])));
        return movesConsistently(moved, table, bounds, index) ? moved : null;
      }
    }
    return null;
  } finally {
    search.steps.taken += search.budget - Math.max(steps.left, 0);
  }
}

interface LocalSearch {
  /** Steps per attempt. */
  budget: number;
  steps: { taken: number };
}

/**
 * Finds integer assignments that differ from the true values along one free direction of the relations: per free unknown
 * of the echelon form, the kernel vector it spans, scaled to whole numbers, added to and taken from the true values.
 * Directions that move only entries already shown to vary are skipped. Each is checked exactly before it is
 * returned: the relations it touches hold (the others keep their true values) and every moved entry is within the
 * reader's bounds. Each is handed to `found` as the moved entries and their values.
 */
function kernelSolutions(
  table: LinkedTable, { unknowns, pivots, width }: EchelonForm, bounds: Bounds, free: boolean[], index: RelationIndex,
  found: (moved: Map<number, number>) => void,
): void {
  const pivotsUsing = Array.from({ length: width }, () => [] as { pivot: number; coefficient: number }[]);
  for (const { row, column } of pivots) {
    for (const [c, coefficient] of row) if (c !== column) pivotsUsing[c].push({ pivot: unknowns[column], coefficient });
  }
  const isPivot = new Set(pivots.map((pivot) => pivot.column));
  for (let freeColumn = 0; freeColumn < width; freeColumn++) {
    if (isPivot.has(freeColumn)) continue;
    const direction = new Map<number, number>([[unknowns[freeColumn], 1]]);
    for (const { pivot, coefficient } of pivotsUsing[freeColumn]) direction.set(pivot, -coefficient);
    if ([...direction.keys()].every((entry) => free[entry])) continue;
    const whole = wholeDirection(direction);
    if (!whole) continue;
    for (const sign of [1, -1]) {
      const moved = new Map([...whole].map(([entry, step]) => [entry, table.values[entry] + sign * step] as const));
      if (movesConsistently(moved, table, bounds, index)) found(moved);
    }
  }
}

/** Exactly: with `moved` entries at their new values and all others at their true values, bounds and relations hold. */
function movesConsistently(moved: Map<number, number>, table: LinkedTable, { lo, hi }: Bounds, index: RelationIndex): boolean {
  for (const [entry, value] of moved) if (value < lo[entry] || value > hi[entry]) return false;
  const valueOf = (entry: number) => moved.get(entry) ?? table.values[entry];
  for (const entry of moved.keys()) {
    for (const r of index.relationsOf[entry]) {
      const { total, parts } = index.relations[r];
      if (parts.reduce((sum, part) => sum + valueOf(part), 0) !== valueOf(total)) return false;
    }
  }
  return true;
}

/** The direction times the smallest whole number that makes every component whole, or null past MAX_DENOMINATOR. */
function wholeDirection(direction: Map<number, number>): Map<number, number> | null {
  for (let scale = 1; scale <= MAX_DENOMINATOR; scale++) {
    const whole = new Map<number, number>();
    for (const [entry, step] of direction) {
      const scaled = Math.round(step * scale);
      if (Math.abs(scaled - step * scale) > 1e-6) break;
      if (scaled !== 0) whole.set(entry, scaled);
    }
    if (whole.size === direction.size) return whole;
  }
  return null;
}

/** A local search's system: its relations indexed by entry, and the true values. */
interface LocalSystem extends RelationIndex {
  truth: number[];
}

/**
 * Depth-first over the narrowest open entry, narrowing at each step (from the relations of the entry just
 * narrowed); each entry's true value is tried first, so a solution found stays close to the truth. Null too when
 * the steps run out.
 */
function integerSolution(system: LocalSystem, lo: number[], hi: number[], narrowed: number | null, steps: { left: number }): number[] | null {
  if (--steps.left < 0) return null;
  if (!narrowBounds(system, lo, hi, narrowed)) return null;
  let pick = -1;
  for (let i = 0; i < lo.length; i++) if (lo[i] < hi[i] && (pick === -1 || hi[i] - lo[i] < hi[pick] - lo[pick])) pick = i;
  if (pick === -1) return lo; // every entry fixed, and the relations hold
  const value = system.truth[pick];
  const choices: [number, number][] = value >= lo[pick] && value <= hi[pick]
    ? [[value, value], [lo[pick], value - 1], [value + 1, hi[pick]]]
    : [[lo[pick], Math.floor((lo[pick] + hi[pick]) / 2)], [Math.floor((lo[pick] + hi[pick]) / 2) + 1, hi[pick]]];
  for (const [low, high] of choices) {
    if (low > high) continue;
    const nextLo = [...lo];
    const nextHi = [...hi];
    nextLo[pick] = low;
    nextHi[pick] = high;
    const found = integerSolution(system, nextLo, nextHi, pick, steps);
    if (found) return found;
    if (steps.left < 0) return null;
  }
  return null;
}

/**
 * Picks one more entry to suppress so that a determined entry gets a degree of freedom: the smallest
 * published non-zero member of a relation around it, widening the search ring by ring.
 */
function breakDetermination(entry: number, table: LinkedTable, suppressed: boolean[], index: RelationIndex): number | null {
  const seen = new Set<number>([entry]);
  let frontier = [entry];
  while (frontier.length > 0) {
    let best: number | null = null;
    const next: number[] = [];
    for (const current of frontier) {
      for (const r of index.relationsOf[current]) {
        const relation = index.relations[r];
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
