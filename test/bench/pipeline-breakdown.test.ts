import { TableWrites, tableWritesPerIncident, tableWritesSentence } from '../../bench/pipeline-breakdown';

const counts = (inserted: number, updated: number, hotUpdated: number, deleted: number, indexes: number): TableWrites => ({ inserted, updated, hotUpdated, deleted, indexes });

describe('the benchmark\'s writes per table', () => {
  it('divides each table\'s writes in the scenario by its incidents, busiest first, and counts index entries of inserts and non-HOT updates', () => {
    const start = { 'matching.outbox': counts(100, 100, 0, 0, 3), 'matching.cases': counts(50, 10, 0, 0, 8), 'intake.triggers': counts(7, 0, 0, 0, 3) };
    const end = {
      'matching.outbox': counts(400, 400, 0, 0, 3),
      'matching.cases': counts(150, 110, 20, 0, 8),
      'intake.triggers': counts(7, 0, 0, 0, 3), // nothing written during the scenario
      'matching.capacity_holds': counts(100, 0, 0, 100, 2), // new since the start reading
    };
    expect(tableWritesPerIncident(start, end, 100)).toEqual([
      { table: 'matching.outbox', inserted: 3, updated: 3, hotUpdated: 0, deleted: 0, indexEntries: 18 },
      // Two rows per incident each: the tie goes by name.
      { table: 'matching.capacity_holds', inserted: 1, updated: 0, hotUpdated: 0, deleted: 1, indexEntries: 2 },
      { table: 'matching.cases', inserted: 1, updated: 1, hotUpdated: 0.2, deleted: 0, indexEntries: 14.4 },
    ]);
  });

  it('says it in a sentence, with the index entries of every table', () => {
    const sentence = tableWritesSentence([
      { table: 'matching.outbox', inserted: 3, updated: 3, hotUpdated: 0, deleted: 0, indexEntries: 18 },
      { table: 'matching.cases', inserted: 1, updated: 1, hotUpdated: 0.2, deleted: 0, indexEntries: 14.4 },
      { table: 'matching.capacity_holds', inserted: 1, updated: 0, hotUpdated: 0, deleted: 1, indexEntries: 2 },
    ], 2);
    expect(sentence).toBe(
      'Rows per incident by table (+inserted ~updated -deleted): matching.outbox +3 ~3; matching.cases +1 ~1 (0.2 HOT); 1 more. '
        + 'Index entries written per incident (every index counted, an upper bound): 34.4.',
    );
  });
});
