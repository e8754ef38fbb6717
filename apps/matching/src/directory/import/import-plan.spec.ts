import fc from 'fast-check';
import { ImportedClinician } from './clinician-sources';
import { identifierKey, planImport, ValidRow } from './import-plan';

const clinician = (name: string, ...identifiers: string[]): ImportedClinician => ({
  identifiers: identifiers.map((value) => ({ system: 'urn:e', value })), displayName: name, profession: 'nurse',
});
const rows = (...clinicians: ImportedClinician[]): ValidRow[] => clinicians.map((entry, index) => ({ row: index + 1, clinician: entry }));
const ids = () => {
  let next = 0;
  return () => `new-${++next}`;
};
const owners = (entries: [string, string][]) => new Map(entries.map(([value, id]) => [identifierKey({ system: 'urn:e', value }), id]));

describe('planImport', () => {
  it('creates a clinician per unknown row and updates one found by any identifier', () => {
    const plan = planImport(rows(clinician('A', '1', '2'), clinician('B', '3', '9')), owners([['9', 'known']]), ids());
    expect(plan).toMatchObject({ created: 1, updated: 1, conflicts: [] });
    expect(plan.clinicians.map(({ id, clinician: { displayName } }) => [id, displayName])).toEqual([['new-1', 'A'], ['known', 'B']]);
    // Only identifiers the directory does not hold yet are written; 9 already belongs to "known".
    expect(plan.identifiers).toEqual([
      { system: 'urn:e', value: '1', clinicianId: 'new-1' }, { system: 'urn:e', value: '2', clinicianId: 'new-1' },
      { system: 'urn:e', value: '3', clinicianId: 'known' },
    ]);
  });

  it('treats a later row sharing an identifier with an earlier one as an update of the same clinician, the last row winning', () => {
    const plan = planImport(rows(clinician('First', '1'), clinician('Second', '1', '2'), clinician('Third', '2')), new Map(), ids());
    expect(plan).toMatchObject({ created: 1, updated: 2, conflicts: [] });
    expect(plan.clinicians).toEqual([{ id: 'new-1', clinician: expect.objectContaining({ displayName: 'Third' }) }]);
    expect(plan.identifiers.map((identifier) => identifier.value)).toEqual(['1', '2']);
  });

  it('refuses a row whose identifiers belong to different clinicians, in the directory or made so by earlier rows', () => {
    const plan = planImport(
      rows(clinician('A', 'x'), clinician('B', 'y'), clinician('Both', 'x', 'y'), clinician('Known', 'k1', 'k2'), clinician('After', 'z', 'x')),
      owners([['k1', 'one'], ['k2', 'two']]), ids(),
    );
    expect(plan.conflicts).toEqual([3, 4]);
    expect(plan).toMatchObject({ created: 2, updated: 1 });
    // A refused row claims nothing: its new identifiers stay unowned.
    expect(plan.identifiers.map((identifier) => [identifier.value, identifier.clinicianId])).toEqual([['x', 'new-1'], ['y', 'new-2'], ['z', 'new-1']]);
    // Row by row: refused rows have no outcome; the others say what they did to which clinician.
    expect(plan.outcomes).toEqual([
      { row: 1, outcome: 'created', clinicianId: 'new-1' },
      { row: 2, outcome: 'created', clinicianId: 'new-2' },
      { row: 5, outcome: 'updated', clinicianId: 'new-1' },
    ]);
  });

  it('plans a row whose profession is unknown like any other; a later row without one keeps the earlier profession', () => {
    const unknown = { ...clinician('Unknown', '1'), profession: null };
    const plan = planImport(rows(unknown, clinician('Known', '2')), new Map(), ids());
    expect(plan.clinicians.map((entry) => entry.clinician.profession)).toEqual([null, 'nurse']);
    // A later row that knows the profession fills it in; one that does not keeps what an earlier row said.
    expect(planImport(rows(unknown, clinician('Now known', '1')), new Map(), ids()).clinicians).toEqual([{ id: 'new-1', clinician: expect.objectContaining({ profession: 'nurse' }) }]);
    expect(planImport(rows(clinician('Was known', '1'), unknown), new Map(), ids()).clinicians).toEqual([{ id: 'new-1', clinician: expect.objectContaining({ displayName: 'Unknown', profession: 'nurse' }) }]);
  });

  it('writes an identifier named twice in one row once', () => {
    expect(planImport(rows(clinician('A', '1', '1')), new Map(), ids()).identifiers).toHaveLength(1);
  });

  it('accounts for every row and gives every identifier exactly one owner', () => {
    const row = fc.array(fc.integer({ min: 0, max: 30 }).map(String), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(
      fc.array(row, { maxLength: 40 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }).map(String), fc.constantFrom('d1', 'd2', 'd3')), { maxLength: 10 }),
      (identifierLists, existing) => {
        const directory = owners(existing);
        const input = rows(...identifierLists.map((values, index) => clinician(`C${index}`, ...values)));
        const plan = planImport(input, directory, ids());
        expect(plan.created + plan.updated + plan.conflicts.length).toBe(input.length);
        // Every row is either refused or has exactly one outcome, and an outcome names the clinician the row's identifiers now belong to.
        expect([...plan.outcomes.map((entry) => entry.row), ...plan.conflicts].sort((a, b) => a - b)).toEqual(input.map((entry) => entry.row));
        expect(new Set(plan.clinicians.map((entry) => entry.id)).size).toBe(plan.clinicians.length);
        const written = plan.identifiers.map(identifierKey);
        expect(new Set(written).size).toBe(written.length);
        expect(written.filter((key) => directory.has(key))).toEqual([]);
        // After the import, each accepted row's identifiers all belong to the clinician it was written to.
        const ownerOf = new Map([...directory, ...plan.identifiers.map((identifier) => [identifierKey(identifier), identifier.clinicianId] as const)]);
        const conflicts = new Set(plan.conflicts);
        for (const { row, clinician: entry } of input) {
          if (conflicts.has(row)) continue;
          expect(new Set(entry.identifiers.map((identifier) => ownerOf.get(identifierKey(identifier))))).toEqual(new Set([plan.outcomes.find((outcome) => outcome.row === row)?.clinicianId]));
        }
      },
    ));
  });
});
