import fc from 'fast-check';
import {
  careExclusionsOf, casesThisMonth, censusOf, decide, describeExclusion, exclusionDetailsOf, monthOf, restingUntil, startsRest, SupporterCandidate,
} from './matching-decision';
import { MatchingPolicy } from './policy';

const NOW = new Date('2026-12-10T12:00:00Z');

const policy = (overrides: Partial<MatchingPolicy> = {}): MatchingPolicy => ({
  departmentRule: 'any',
  professionRule: 'any',
  languageRule: 'any',
  ackTimeoutSeconds: 900,
  overallDeadlineSeconds: 1800,
  maxOffers: 3,
  followUpSeconds: [],
  fallbackResource: 'line',
  restAfterSevereHours: 48,
  monthlyCaseCap: 4,
  groupDebriefMinClinicians: 3,
  ...overrides,
});

const supporter = (id: string, overrides: Partial<SupporterCandidate> = {}): SupporterCandidate => ({
  id,
  clinicianId: null,
  profession: 'nurse',
  department: null,
  languages: ['en'],
  status: 'active',
  optedOut: false,
  trainingExpiresOn: '2027-12-31',
  openCases: 0,
  maxOpenCases: 5,
  lastAssignedAt: null,
  availability: { timeZone: 'UTC', windows: [], unavailable: [] },
  lastSevereAcceptedAt: null,
  acceptsCasesWhileResting: false,
  casesMonth: null,
  casesInMonth: 0,
  ...overrides,
});

const kase = { clinicianId: 'clin-1', profession: 'nurse', department: null, languages: [], involvedClinicianIds: [], alreadyOffered: [] };
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

describe('care for the carers: rest after a severe case', () => {
  it('starts only for death and severe harm', () => {
    expect(['death', 'severe'].every(startsRest)).toBe(true);
    expect([null, undefined, 'none', 'mild', 'moderate'].some(startsRest)).toBe(false);
  });

  it('keeps a supporter who accepted a severe case 10 hours ago out for the rest of the 48 hours, and says until when', () => {
    const resting = supporter('s1', { lastSevereAcceptedAt: hoursAgo(10) });
    expect(careExclusionsOf(resting, policy(), NOW)).toEqual(['resting']);
    expect(exclusionDetailsOf(resting, kase, policy(), NOW)).toEqual([`resting after a severe case until ${new Date(hoursAgo(10).getTime() + 48 * 3_600_000).toISOString()}`]);
    expect(decide([resting], kase, policy(), NOW).excluded).toEqual({ resting: 1 });
  });

  it('ends after the configured period, and a period of 0 means no rest', () => {
    expect(careExclusionsOf(supporter('s1', { lastSevereAcceptedAt: hoursAgo(48) }), policy(), NOW)).toEqual([]);
    expect(careExclusionsOf(supporter('s1', { lastSevereAcceptedAt: hoursAgo(30) }), policy({ restAfterSevereHours: 24 }), NOW)).toEqual([]);
    expect(careExclusionsOf(supporter('s1', { lastSevereAcceptedAt: hoursAgo(1) }), policy({ restAfterSevereHours: 0 }), NOW)).toEqual([]);
  });

  it('is lifted by opting in to more, and the ranking reasons say they are resting by choice', () => {
    const optedIn = supporter('s1', { lastSevereAcceptedAt: hoursAgo(1), acceptsCasesWhileResting: true });
    expect(careExclusionsOf(optedIn, policy(), NOW)).toEqual([]);
    expect(decide([optedIn], kase, policy(), NOW).ranked[0].reasons).toContain(`opted in to cases while resting (until ${restingUntil(optedIn, policy(), NOW)!.toISOString()})`);
  });
});

describe('care for the carers: the monthly cap', () => {
  it('counts the cases of the current calendar month (UTC) only', () => {
    expect(monthOf(NOW)).toBe('2026-12');
    expect(casesThisMonth(supporter('s1', { casesMonth: '2026-12', casesInMonth: 3 }), NOW)).toBe(3);
    expect(casesThisMonth(supporter('s1', { casesMonth: '2026-11', casesInMonth: 9 }), NOW)).toBe(0);
  });

  it('excludes a supporter at the cap, says so, and 0 means no cap', () => {
    const capped = supporter('s1', { casesMonth: '2026-12', casesInMonth: 4 });
    expect(careExclusionsOf(capped, policy(), NOW)).toEqual(['monthly-cap']);
    expect(describeExclusion('monthly-cap', capped, policy(), NOW)).toBe('monthly cap reached (4 of 4 cases in 2026-12)');
    expect(careExclusionsOf(capped, policy({ monthlyCaseCap: 0 }), NOW)).toEqual([]);
    expect(careExclusionsOf(supporter('s1', { casesMonth: '2026-12', casesInMonth: 3 }), policy(), NOW)).toEqual([]);
  });

  it('is not lifted by opting in to more cases while resting', () => {
    expect(careExclusionsOf(supporter('s1', { casesMonth: '2026-12', casesInMonth: 4, acceptsCasesWhileResting: true }), policy(), NOW)).toEqual(['monthly-cap']);
  });
});

describe('care for the carers: properties', () => {
  const arbitrarySupporter = (id: string) =>
    fc.record({
      lastSevereAcceptedAt: fc.option(fc.date({ min: hoursAgo(100), max: NOW, noInvalidDate: true }), { nil: null }),
      acceptsCasesWhileResting: fc.boolean(),
      casesMonth: fc.option(fc.constantFrom('2026-11', '2026-12'), { nil: null }),
      casesInMonth: fc.integer({ min: 0, max: 8 }),
    }).map((care) => supporter(id, care));
  const roster = fc.uniqueArray(fc.stringMatching(/^s[0-9]{1,2}$/), { maxLength: 10 }).chain((list) => fc.tuple(...list.map(arbitrarySupporter)));
  const thePolicy = fc.record({ restAfterSevereHours: fc.integer({ min: 0, max: 96 }), monthlyCaseCap: fc.integer({ min: 0, max: 6 }) }).map(policy);

  it('never offers a resting supporter who did not opt in', () => {
    fc.assert(
      fc.property(roster, thePolicy, (candidates, p) => {
        for (const { supporter: chosen } of decide(candidates, kase, p, NOW).ranked) {
          if (!chosen.acceptsCasesWhileResting) expect(restingUntil(chosen, p, NOW)).toBeNull();
        }
      }),
    );
  });

  it('opting in lifts the rest and nothing else', () => {
    fc.assert(
      fc.property(roster, thePolicy, (candidates, p) => {
        for (const candidate of candidates) {
          const optedIn = careExclusionsOf({ ...candidate, acceptsCasesWhileResting: true }, p, NOW);
          expect(optedIn).toEqual(careExclusionsOf(candidate, p, NOW).filter((reason) => reason !== 'resting'));
        }
      }),
    );
  });

  it('never exceeds the cap: taking cases one by one stops at the cap within a month, and starts over in the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 1, max: 12 }), (cap, attempts) => {
        let candidate = supporter('s1');
        for (let i = 0; i < attempts; i++) {
          if (decide([candidate], kase, policy({ monthlyCaseCap: cap, restAfterSevereHours: 0 }), NOW).ranked.length === 0) break;
          candidate = { ...candidate, casesMonth: monthOf(NOW), casesInMonth: casesThisMonth(candidate, NOW) + 1 };
        }
        if (cap > 0) expect(casesThisMonth(candidate, NOW)).toBeLessThanOrEqual(cap);
        else expect(casesThisMonth(candidate, NOW)).toBe(attempts);
        const nextMonth = new Date('2027-01-01T00:00:00Z');
        expect(decide([candidate], kase, policy({ monthlyCaseCap: cap }), nextMonth).ranked).toHaveLength(1);
      }),
    );
  });

  it('the census lists exactly the supporters resting or capped, with their reasons in words', () => {
    fc.assert(
      fc.property(roster, thePolicy, (candidates, p) => {
        const census = censusOf(candidates, kase, p, NOW);
        const expected = candidates.filter((candidate) => careExclusionsOf(candidate, p, NOW).length > 0).map((candidate) => candidate.id);
        expect(census.supporters.map((entry) => entry.supporterId)).toEqual(expected.slice(0, 20));
        for (const entry of census.supporters) {
          expect(entry.reasons.some((reason) => reason.startsWith('resting after a severe case until') || reason.startsWith('monthly cap reached'))).toBe(true);
        }
      }),
    );
  });
});
