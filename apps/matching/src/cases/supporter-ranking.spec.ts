import fc from 'fast-check';
import { CaseToMatch, rankSupporters, SupporterCandidate } from './supporter-ranking';

const TODAY = '2024-05-06';

const candidate = (id: string, overrides: Partial<SupporterCandidate> = {}): SupporterCandidate => ({
  id,
  clinicianId: `clin-${id}`,
  profession: 'nurse',
  status: 'active',
  trainingExpiresOn: '2025-01-01',
  openCases: 0,
  maxOpenCases: 2,
  lastAssignedAt: new Date('2024-04-01T00:00:00Z'),
  ...overrides,
});

const kase = (overrides: Partial<CaseToMatch> = {}): CaseToMatch => ({
  clinicianId: 'clin-patient-zero',
  clinicianProfession: 'nurse',
  alreadyOffered: [],
  ...overrides,
});

const ids = (supporters: SupporterCandidate[]) => supporters.map((supporter) => supporter.id);
const verdictOf = (result: ReturnType<typeof rankSupporters>, id: string) => {
  const verdict = result.verdicts.find((entry) => entry.supporterId === id);
  if (!verdict) throw new Error(`no verdict for ${id}`);
  return verdict;
};

describe('rankSupporters', () => {
  describe('eligibility', () => {
    it.each([
      ['paused', { status: 'paused' }, kase(), 'status is paused'],
      ['inactive', { status: 'inactive' }, kase(), 'status is inactive'],
      ['training expired yesterday', { trainingExpiresOn: '2024-05-05' }, kase(), 'training expired'],
      ['training expired last year', { trainingExpiresOn: '2023-12-31' }, kase(), 'training expired'],
      ['at capacity', { openCases: 2, maxOpenCases: 2 }, kase(), 'at capacity'],
      ['over capacity', { openCases: 3, maxOpenCases: 2 }, kase(), 'at capacity'],
      ['zero capacity', { openCases: 0, maxOpenCases: 0 }, kase(), 'at capacity'],
      ['the clinician', { clinicianId: 'clin-patient-zero' }, kase(), 'is the clinician'],
      ['already offered', {}, kase({ alreadyOffered: ['other', 's1'] }), 'already offered this case'],
    ] as const)('excludes a supporter who is %s, with the reason', (_label, overrides, theCase, reason) => {
      const result = rankSupporters([candidate('s1', overrides), candidate('ok')], theCase, TODAY);
      expect(ids(result.ranked)).toEqual(['ok']);
      expect(verdictOf(result, 's1')).toEqual({ supporterId: 's1', eligible: false, reasons: [reason] });
      expect(verdictOf(result, 'ok').eligible).toBe(true);
    });

    it('keeps a supporter whose training expires today', () => {
      const result = rankSupporters([candidate('s1', { trainingExpiresOn: TODAY })], kase(), TODAY);
      expect(ids(result.ranked)).toEqual(['s1']);
      expect(verdictOf(result, 's1').eligible).toBe(true);
    });

    it('keeps a supporter one case below capacity', () => {
      expect(ids(rankSupporters([candidate('s1', { openCases: 1, maxOpenCases: 2 })], kase(), TODAY).ranked)).toEqual(['s1']);
    });

    it('does not treat supporters without a clinician record as the (unknown) clinician', () => {
      const result = rankSupporters([candidate('s1', { clinicianId: null })], kase({ clinicianId: null }), TODAY);
      expect(ids(result.ranked)).toEqual(['s1']);
    });

    it('lists every reason when several rules exclude a supporter', () => {
      const result = rankSupporters(
        [candidate('s1', { status: 'paused', trainingExpiresOn: '2020-01-01', openCases: 5, clinicianId: 'clin-patient-zero' })],
        kase({ alreadyOffered: ['s1'] }),
        TODAY,
      );
      expect(result.ranked).toEqual([]);
      expect(verdictOf(result, 's1').reasons).toEqual([
        'status is paused', 'training expired', 'at capacity', 'is the clinician', 'already offered this case',
      ]);
    });

    it('returns nothing to rank for an empty roster', () => {
      expect(rankSupporters([], kase(), TODAY)).toEqual({ ranked: [], verdicts: [] });
    });
  });

  describe('ordering', () => {
    it('puts a peer of the same profession first, even with more open cases', () => {
      const result = rankSupporters(
        [candidate('pharm', { profession: 'pharmacist', openCases: 0 }), candidate('nurse', { profession: 'nurse', openCases: 1 })],
        kase({ clinicianProfession: 'nurse' }),
        TODAY,
      );
      expect(ids(result.ranked)).toEqual(['nurse', 'pharm']);
    });

    it('then prefers fewer open cases, even over a longer wait since the last assignment', () => {
      const result = rankSupporters(
        [
          candidate('busy', { openCases: 1, lastAssignedAt: new Date('2020-01-01T00:00:00Z') }),
          candidate('free', { openCases: 0, lastAssignedAt: new Date('2024-05-05T00:00:00Z') }),
        ],
        kase(),
        TODAY,
      );
      expect(ids(result.ranked)).toEqual(['free', 'busy']);
    });

    it('then prefers whoever was assigned least recently, never-assigned first', () => {
      const result = rankSupporters(
        [
          candidate('recent', { lastAssignedAt: new Date('2024-05-05T12:00:00Z') }),
          candidate('never', { lastAssignedAt: null }),
          candidate('older', { lastAssignedAt: new Date('2024-03-01T12:00:00Z') }),
        ],
        kase(),
        TODAY,
      );
      expect(ids(result.ranked)).toEqual(['never', 'older', 'recent']);
    });

    it('breaks full ties by id, so the order does not depend on the roster order', () => {
      const a = candidate('a', { lastAssignedAt: null });
      const b = candidate('b', { lastAssignedAt: null });
      expect(ids(rankSupporters([b, a], kase(), TODAY).ranked)).toEqual(['a', 'b']);
      expect(ids(rankSupporters([a, b], kase(), TODAY).ranked)).toEqual(['a', 'b']);
    });

    it('ignores profession when the clinician\'s profession is unknown', () => {
      const result = rankSupporters(
        [candidate('nurse', { profession: 'nurse', openCases: 1 }), candidate('pharm', { profession: 'pharmacist', openCases: 0 })],
        kase({ clinicianProfession: null }),
        TODAY,
      );
      expect(ids(result.ranked)).toEqual(['pharm', 'nurse']);
    });

    it('does not reorder or modify the caller\'s array', () => {
      const roster = [candidate('b', { openCases: 1 }), candidate('a')];
      const snapshot = structuredClone(roster);
      rankSupporters(roster, kase(), TODAY);
      expect(roster).toEqual(snapshot);
    });
  });

  describe('verdicts', () => {
    it('has one verdict per candidate, in roster order, each with at least one reason', () => {
      const roster = [candidate('x', { status: 'paused' }), candidate('y', { profession: 'pharmacist' }), candidate('z', { openCases: 1 })];
      const result = rankSupporters(roster, kase(), TODAY);
      expect(result.verdicts.map((verdict) => verdict.supporterId)).toEqual(['x', 'y', 'z']);
      for (const verdict of result.verdicts) expect(verdict.reasons.length).toBeGreaterThan(0);
    });

    it('explains the rank, the profession match and the load of each eligible supporter', () => {
      const result = rankSupporters([candidate('y', { profession: 'pharmacist' }), candidate('z', { openCases: 1 })], kase(), TODAY);
      expect(verdictOf(result, 'z')).toEqual({ supporterId: 'z', eligible: true, reasons: ['rank 1', 'same profession', '1 open cases'] });
      expect(verdictOf(result, 'y')).toEqual({ supporterId: 'y', eligible: true, reasons: ['rank 2', 'different profession', '0 open cases'] });
    });
  });

  describe('properties', () => {
    const isoDay = fc.integer({ min: -400, max: 400 }).map((offset) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10));
    const arbitraryCandidate = (id: string) =>
      fc.record({
        id: fc.constant(id),
        clinicianId: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }),
        profession: fc.constantFrom('nurse', 'physician', 'pharmacist'),
        status: fc.constantFrom('active', 'active', 'paused', 'inactive'),
        trainingExpiresOn: isoDay,
        openCases: fc.integer({ min: 0, max: 4 }),
        maxOpenCases: fc.integer({ min: 0, max: 4 }),
        lastAssignedAt: fc.option(fc.date({ min: new Date('2023-01-01'), max: new Date('2024-05-06'), noInvalidDate: true }), { nil: null }),
      });
    const roster = fc
      .uniqueArray(fc.stringMatching(/^s[0-9]{1,3}$/), { maxLength: 12 })
      .chain((supporterIds) => fc.tuple(...supporterIds.map(arbitraryCandidate)));
    const theCase = fc.record({
      clinicianId: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }),
      clinicianProfession: fc.option(fc.constantFrom('nurse', 'physician', 'pharmacist'), { nil: null }),
      alreadyOffered: fc.subarray(['s1', 's2', 's3', 's10', 's11', 's42']),
    });

    /** Eligibility restated independently of the implementation. */
    const eligible = (supporter: SupporterCandidate, c: CaseToMatch) =>
      supporter.status === 'active' &&
      supporter.trainingExpiresOn >= TODAY &&
      supporter.openCases < supporter.maxOpenCases &&
      !(c.clinicianId !== null && supporter.clinicianId === c.clinicianId) &&
      !c.alreadyOffered.includes(supporter.id);

    it('ranks exactly the eligible candidates, each once, and no ineligible one', () => {
      fc.assert(
        fc.property(roster, theCase, (candidates, c) => {
          const { ranked } = rankSupporters(candidates, c, TODAY);
          expect(ranked.every((supporter) => eligible(supporter, c))).toBe(true);
          expect([...ids(ranked)].sort()).toEqual(ids(candidates.filter((supporter) => eligible(supporter, c))).sort());
          for (const supporter of ranked) expect(candidates).toContain(supporter);
        }),
      );
    });

    it('verdicts agree with the ranking and always give a reason', () => {
      fc.assert(
        fc.property(roster, theCase, (candidates, c) => {
          const result = rankSupporters(candidates, c, TODAY);
          expect(result.verdicts.map((verdict) => verdict.supporterId)).toEqual(ids(candidates));
          result.verdicts.forEach((verdict, index) => {
            expect(verdict.eligible).toBe(eligible(candidates[index], c));
            expect(verdict.reasons.length).toBeGreaterThan(0);
            if (verdict.eligible) expect(verdict.reasons[0]).toBe(`rank ${ids(result.ranked).indexOf(verdict.supporterId) + 1}`);
          });
        }),
      );
    });

    it('neighbours in the ranking are ordered by profession match, then load, then last assignment', () => {
      fc.assert(
        fc.property(roster, theCase, (candidates, c) => {
          const key = (supporter: SupporterCandidate) => [
            c.clinicianProfession !== null && supporter.profession === c.clinicianProfession ? 0 : 1,
            supporter.openCases,
            supporter.lastAssignedAt?.getTime() ?? -Infinity,
          ];
          const { ranked } = rankSupporters(candidates, c, TODAY);
          for (let i = 1; i < ranked.length; i++) {
            const [previous, next] = [key(ranked[i - 1]), key(ranked[i])];
            const firstDifference = previous.findIndex((value, position) => value !== next[position]);
            if (firstDifference >= 0) expect(previous[firstDifference]).toBeLessThan(next[firstDifference]);
          }
        }),
      );
    });

    it('the ranking does not depend on the order of the roster', () => {
      fc.assert(
        fc.property(roster, theCase, (candidates, c) => {
          const reversed = [...candidates].reverse();
          expect(ids(rankSupporters(reversed, c, TODAY).ranked)).toEqual(ids(rankSupporters(candidates, c, TODAY).ranked));
        }),
      );
    });
  });
});
