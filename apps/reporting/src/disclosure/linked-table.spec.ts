import fc from 'fast-check';
import { buildCrossTable, CrossRecord, DimensionNode } from './cross-table';
import { determinedEntries, hiddenSumGivesAway, integerPinnedEntries, LinkedTable, protectTable, Relation } from './linked-table';
import { attack } from '@harbor/testing/disclosure-attacker';

/** Rows r0..r{n-1}, columns c0..c{m-1}, then row totals, column totals and the grand total. */
function twoWay(cells: number[][]): LinkedTable & { at: (r: number, c: number) => number } {
  const rows = cells.length;
  const cols = cells[0].length;
  const width = cols + 1;
  const at = (r: number, c: number) => r * width + c;
  const values = new Array<number>((rows + 1) * width).fill(0);
  cells.forEach((row, r) => row.forEach((value, c) => {
    values[at(r, c)] = value;
    values[at(r, cols)] += value;
    values[at(rows, c)] += value;
    values[at(rows, cols)] += value;
  }));
  const relations: Relation[] = [];
  for (let r = 0; r <= rows; r++) relations.push({ total: at(r, cols), parts: Array.from({ length: cols }, (_, c) => at(r, c)) });
  for (let c = 0; c <= cols; c++) relations.push({ total: at(rows, c), parts: Array.from({ length: rows }, (_, r) => at(r, c)) });
  return { values, relations, at };
}

const publishedOf = (table: LinkedTable, suppressed: boolean[]) => table.values.map((value, i) => (suppressed[i] ? null : value));

describe('protectTable', () => {
  it('suppresses small cells and enough complements that none can be recovered from the totals', () => {
    const table = twoWay([
      [3, 20, 15],
      [12, 14, 30],
    ]);
    const { suppressed, primary } = protectTable(table, 11);
    expect(primary[table.at(0, 0)]).toBe(true);
    // Row 0 and column 0 each need a second hidden cell; the cheapest are 12 (column 0) and 15 (row 0).
    expect(suppressed[table.at(1, 0)]).toBe(true);
    expect(suppressed[table.at(0, 2)]).toBe(true);
    expect(suppressed[table.at(1, 2)]).toBe(true); // closes the cycle so no cell is alone in a column
    expect(attack(publishedOf(table, suppressed), table.relations, table.values).recovered).toEqual([]);
  });

  it('never lets two hidden cells add up to a small known number (1 + 1 = 2 gives both away)', () => {
    const table = twoWay([
      [1, 1, 40],
      [30, 30, 40],
    ]);
    const { suppressed } = protectTable(table, 11);
    expect(suppressed[table.at(0, 0)] && suppressed[table.at(0, 1)]).toBe(true);
    expect(suppressed[table.at(0, 2)]).toBe(true); // the hidden part of row 0 must reach k
    const result = attack(publishedOf(table, suppressed), table.relations, table.values);
    expect(result).toEqual({ recovered: [], inconclusive: [] });
  });

  it('leaves no hidden entry that only one whole number fits (a case fast-check found: three hidden 1s were the only integer fit)', () => {
    // Two levels of rows by two partitions of columns, k = 2: bounds and elimination over the reals pinned nothing,
    // an integer search pinned three hidden 1s.
    const table: LinkedTable = {
      values: [8,  3,  5,  3,  3,  2,  6,  3,  3,  2,  2,  2,  3,  2,  1,  0,  2,  1,  3,  1,  2,  2,  0,  1,  2,  0,  2,  1,  1,  0,  2,  0,  2,  1,  1,  0],
      relations: [
      { total: 0, parts: [1, 2] },
      { total: 0, parts: [3, 4, 5] },
      { total: 6, parts: [7, 8] },
      { total: 6, parts: [9, 10, 11] },
      { total: 12, parts: [13, 14] },
      { total: 12, parts: [15, 16, 17] },
      { total: 18, parts: [19, 20] },
      { total: 18, parts: [21, 22, 23] },
      { total: 24, parts: [25, 26] },
      { total: 24, parts: [27, 28, 29] },
      { total: 30, parts: [31, 32] },
      { total: 30, parts: [33, 34, 35] },
      { total: 0, parts: [6, 24] },
      { total: 6, parts: [12, 18] },
      { total: 24, parts: [30] },
      { total: 1, parts: [7, 25] },
      { total: 7, parts: [13, 19] },
      { total: 25, parts: [31] },
      { total: 2, parts: [8, 26] },
      { total: 8, parts: [14, 20] },
      { total: 26, parts: [32] },
      { total: 3, parts: [9, 27] },
      { total: 9, parts: [15, 21] },
      { total: 27, parts: [33] },
      { total: 4, parts: [10, 28] },
      { total: 10, parts: [16, 22] },
      { total: 28, parts: [34] },
      { total: 5, parts: [11, 29] },
      { total: 11, parts: [17, 23] },
      { total: 29, parts: [35] },
      ],
    };
    const { suppressed } = protectTable(table, 2);
    expect(attack(publishedOf(table, suppressed), table.relations, table.values)).toEqual({ recovered: [], inconclusive: [] });
    expect(integerPinnedEntries(table, suppressed)).toEqual([]);
  });

  it('searches for integer alternatives near each hidden entry, not across the whole table (a year of a twelve-department system)', () => {
    // Three facilities of four departments by a two-way split of columns, 400 cases: hundreds of hidden entries. A
    // search over the whole table per entry took minutes on such tables; near each entry it takes few steps.
    const departments = (f: number) => Array.from({ length: 4 }, (_, d) => ({ id: `f${f}d${d}` }));
    const rowRoot: DimensionNode = { id: 'all', partitions: [Array.from({ length: 3 }, (_, f) => ({ id: `f${f}`, partitions: [departments(f)] }))] };
    const columnRoot: DimensionNode = {
      id: 'total',
      partitions: [
        [{ id: 'a0', partitions: [[{ id: 'a0x' }, { id: 'a0y' }]] }, { id: 'a1' }, { id: 'a2' }, { id: 'a3' }],
        [{ id: 'b0' }, { id: 'b1' }, { id: 'b2' }],
      ],
    };
    const records: CrossRecord[] = fc.sample(fc.tuple(fc.nat(2), fc.nat(3), fc.nat(3), fc.nat(2), fc.boolean()), { numRuns: 400, seed: 42 })
      .map(([f, d, a, b, x]) => ({ rows: ['all', `f${f}`, `f${f}d${d}`], columns: ['total', `a${a}`, ...(a === 0 ? [x ? 'a0x' : 'a0y'] : []), `b${b}`] }));
    const table = buildCrossTable(rowRoot, columnRoot, records);
    const { suppressed } = protectTable(table, 11);
    const hidden = suppressed.filter(Boolean).length;
    expect(hidden).toBeGreaterThan(50);
    const steps = { taken: 0 };
    expect(integerPinnedEntries(table, suppressed, { steps })).toEqual([]);
    expect(steps.taken).toBeLessThan(hidden * 5);
    expect(attack(publishedOf(table, suppressed), table.relations, table.values, { nodeBudget: 200_000, targets: suppressed.flatMap((h, i) => (h ? [i] : [])).slice(0, 12) })).toEqual({ recovered: [], inconclusive: [] });
  });

  it('publishes a table with no small cells untouched, zeros included', () => {
    const table = twoWay([
      [0, 20],
      [12, 14],
    ]);
    expect(protectTable(table, 11).suppressed.every((hidden) => !hidden)).toBe(true);
  });

  it('the attacker finds what naive suppression leaves open', () => {
    // Only the small cell hidden: its row total gives it away.
    const table = twoWay([
      [3, 20],
      [12, 14],
    ]);
    const naive = table.values.map((value) => value > 0 && value < 11);
    expect(attack(publishedOf(table, naive), table.relations, table.values).recovered).toEqual([table.at(0, 0)]);
    expect(determinedEntries(table, naive)).toEqual([table.at(0, 0)]);
  });

  it('treats a hidden sum as giving away its parts when small or equal to their number', () => {
    expect(hiddenSumGivesAway(0, 0, 11)).toBe(false);
    expect(hiddenSumGivesAway(10, 2, 11)).toBe(true);
    expect(hiddenSumGivesAway(11, 2, 11)).toBe(false);
    expect(hiddenSumGivesAway(2, 2, 2)).toBe(true);
    expect(hiddenSumGivesAway(3, 2, 2)).toBe(false);
  });

  it('rejects entries that are not counts', () => {
    expect(() => protectTable({ values: [1.5], relations: [] }, 11)).toThrow(RangeError);
  });
});

/** Random hierarchical two-way tables: rows grouped in a tree, columns split in one or two ways, with nesting. */
const hierarchicalTable = fc
  .record({
    rowGroups: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
    partitions: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 1, maxLength: 2 }),
    nested: fc.boolean(),
    k: fc.integer({ min: 2, max: 11 }),
    records: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat(), fc.nat()), { maxLength: 70 }),
  })
  .map(({ rowGroups, partitions, nested, k, records }) => {
    const rowRoot: DimensionNode = {
      id: 'all',
      partitions: [rowGroups.map((leaves, g) => ({ id: `g${g}`, partitions: [Array.from({ length: leaves }, (_, l) => ({ id: `g${g}l${l}` }))] }))],
    };
    const columnRoot: DimensionNode = {
      id: 'total',
      partitions: partitions.map((size, p) =>
        Array.from({ length: size }, (_, c) => ({
          id: `p${p}c${c}`,
          partitions: nested && p === 0 && c === 0 ? [[{ id: 'p0c0x' }, { id: 'p0c0y' }]] : undefined,
        })),
      ),
    };
    const crossRecords: CrossRecord[] = records.map(([a, b, c, d]) => {
      const g = a % rowGroups.length;
      const l = b % rowGroups[g];
      const columns = ['total'];
      partitions.forEach((size, p) => {
        const chosen = (c + p * 7 + d) % size;
        columns.push(`p${p}c${chosen}`);
        if (nested && p === 0 && chosen === 0) columns.push(d % 2 ? 'p0c0x' : 'p0c0y');
      });
      return { rows: ['all', `g${g}`, `g${g}l${l}`], columns };
    });
    return { table: buildCrossTable(rowRoot, columnRoot, crossRecords), k };
  });

describe('protectTable properties (fast-check)', () => {
  it('property: primary suppression marks exactly the entries in 1..k-1', () => {
    fc.assert(
      fc.property(hierarchicalTable, ({ table, k }) => {
        const { primary, suppressed } = protectTable(table, k);
        expect(primary).toEqual(table.values.map((value) => value >= 1 && value < k));
        expect(primary.every((small, i) => !small || suppressed[i])).toBe(true);
      }),
    );
  });

  it('property: no published value in 1..k-1, and the independent attacker recovers no suppressed entry', () => {
    fc.assert(
      fc.property(hierarchicalTable, ({ table, k }) => {
        const { suppressed } = protectTable(table, k);
        const published = publishedOf(table, suppressed);
        for (const value of published) if (value !== null) expect(value === 0 || value >= k).toBe(true);
        expect(suppressed.every((hidden, i) => !hidden || table.values[i] > 0)).toBe(true); // zeros stay visible
        const result = attack(published, table.relations, table.values);
        expect(result.inconclusive).toEqual([]);
        expect(result.recovered).toEqual([]);
      }),
      { numRuns: Number(process.env.REPORTING_PROPERTY_RUNS ?? 150) },
    );
  });

  it('property: in every relation a hidden member has a hidden partner, and a known hidden sum is never small', () => {
    fc.assert(
      fc.property(hierarchicalTable, ({ table, k }) => {
        const { suppressed } = protectTable(table, k);
        for (const relation of table.relations) {
          const members = [relation.total, ...relation.parts];
          const hidden = members.filter((m) => suppressed[m]);
          expect(hidden.length === 0 || hidden.length >= 2).toBe(true);
          if (!suppressed[relation.total]) {
            const hiddenParts = relation.parts.filter((p) => suppressed[p]);
            const sum = hiddenParts.reduce((s, p) => s + table.values[p], 0);
            expect(sum === 0 || (sum >= k && sum > hiddenParts.length)).toBe(true);
          }
        }
        expect(determinedEntries(table, suppressed)).toEqual([]);
      }),
      { numRuns: Number(process.env.REPORTING_PROPERTY_RUNS ?? 200) },
    );
  });
});
