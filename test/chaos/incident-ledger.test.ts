import { settleLedger } from './incident-ledger';
import { judge, ChaosReport } from './chaos-report';

/**
 * The chaos tier's accounting, on hand-made rows: what counts as lost, duplicated, escalated or burned, and
 * which criteria a report fails. A ledger that miscounted would let the tier pass a run that lost pages.
 */
describe('chaos ledger', () => {
  const produced = [
    { clinician: 'CH-0', kind: 'stream' as const, producedAt: 1000 },
    { clinician: 'CH-1', kind: 'stream' as const, producedAt: 1000 },
    { clinician: 'CH-1', kind: 'stream' as const, producedAt: 1500 }, // produced twice while the broker restarted
    { clinician: 'CH-2', kind: 'stream' as const, producedAt: 1000 },
    { clinician: 'CH-3', kind: 'stream' as const, producedAt: 1000 },
    { clinician: 'CP-0', kind: 'probe' as const, producedAt: 2000 },
  ];
  const cases = [
    { clinician: 'CH-0', caseId: 'c0', status: 'offered', escalationReason: null },
    { clinician: 'CH-1', caseId: 'c1', status: 'offered', escalationReason: null },
    { clinician: 'CH-2', caseId: 'c2', status: 'escalated', escalationReason: 'offers-exhausted' },
    { clinician: 'CP-0', caseId: 'p0', status: 'offered', escalationReason: null },
  ];
  const assignments = [
    { id: 'a0', caseId: 'c0', status: 'offered' },
    { id: 'a1', caseId: 'c1', status: 'offered' },
    { id: 'a2', caseId: 'c2', status: 'undeliverable' },
    { id: 'a3', caseId: 'c2', status: 'offered' },
    { id: 'a4', caseId: 'p0', status: 'offered' },
  ];
  const messages = [
    { idempotencyToken: 'a0:sms', receivedAt: 1200 },
    { idempotencyToken: 'a1:sms', receivedAt: 1300 },
    { idempotencyToken: 'a1:sms', receivedAt: 9000 }, // the same offer delivered twice
    { idempotencyToken: 'a3:sms', receivedAt: 1400 },
    { idempotencyToken: 'zz:sms', receivedAt: 1400 }, // names no offer
  ];

  it('counts each incident once, and finds lost, duplicated, escalated and burned ones', () => {
    const { outcomes, totals } = settleLedger(produced, cases, assignments, messages);
    expect(outcomes.map((outcome) => outcome.clinician)).toEqual(['CH-0', 'CH-1', 'CH-2', 'CH-3', 'CP-0']);
    expect(totals).toMatchObject({
      incidents: 5, streamed: 4, probes: 1, casesOpened: 4, paged: 3,
      // CH-3 has no case; CP-0 has a case but no page.
      lost: 2, duplicatePages: 1, escalated: 1, escalatedByReason: { 'offers-exhausted': 1 }, offersBurned: 1, strayMessages: 1,
    });
    expect(outcomes.find((outcome) => outcome.clinician === 'CH-1')).toMatchObject({ pagedAt: 1300, duplicatePages: 1 });
  });

  it('fails each criterion the run breaks, and passes a clean one', () => {
    const base = { baseline: { label: 'b', at: 0, byApplication: { 'harbor-intake': 2, 'harbor-intake-relay': 1 } } };
    const report = (overrides: Partial<ChaosReport>): ChaosReport => ({
      machine: { cpu: '', cores: 2, memoryGiB: 1, os: '', node: '', kafka: '', date: '' }, settings: {}, durationSeconds: 1,
      totals: settleLedger(produced.slice(0, 2), cases, assignments, messages.slice(0, 2)).totals,
      faults: [{ name: 'kill -9 intake', startedAt: 0, loadAverage: 1, recoveryMs: 8000 }],
      connections: { ...base, end: { label: 'e', at: 0, byApplication: { 'harbor-intake': 1, 'harbor-intake-relay': 1 } }, samples: [] },
      unplannedExits: {}, providerRefusals: {}, reconciledSends: {}, criteria: [], ...overrides,
    });
    expect(judge(report({}), 10_000).every((criterion) => criterion.pass)).toBe(true);

    const failed = (overrides: Partial<ChaosReport>) => judge(report(overrides), 10_000).filter((criterion) => !criterion.pass).map((criterion) => criterion.name);
    expect(failed({ totals: settleLedger(produced, cases, assignments, messages).totals }))
      .toEqual(['0 lost', '0 duplicate pages', '0 cases escalated because a provider was down']);
    // A listener missing after the terminations fails, as does a pool above its baseline.
    expect(failed({ connections: { ...base, end: { label: 'e', at: 0, byApplication: { 'harbor-intake': 1 } }, samples: [] } }))
      .toEqual(['connections back to their baseline']);
    expect(failed({ connections: { ...base, end: { label: 'e', at: 0, byApplication: { 'harbor-intake': 3, 'harbor-intake-relay': 1 } }, samples: [] } }))
      .toEqual(['connections back to their baseline']);
    expect(failed({ faults: [{ name: 'broker restart', startedAt: 0, loadAverage: 1, recoveryMs: 12_000 }, { name: 'x', startedAt: 0, loadAverage: 1 }] }))
      .toEqual(['recovery ≤ 10 s after each fault']);
  });
});
