import fc from 'fast-check';
import { Availability } from './availability';
import { CaseToMatch, decide, decisionRecord, EXCLUSION_REASONS, exclusionsOf, SupporterCandidate } from './matching-decision';
import { MatchingPolicy } from './policy';

const NOW = new Date('2026-12-01T15:00:00Z'); // Tuesday
const TODAY = '2026-12-01';

const policy = (overrides: Partial<MatchingPolicy> = {}): MatchingPolicy => ({
  departmentRule: 'any',
  professionRule: 'prefer',
  languageRule: 'require',
  ackTimeoutSeconds: 900,
  overallDeadlineSeconds: 1800,
  maxOffers: 3,
  followUpSeconds: [86_400],
  fallbackResource: 'line',
  restAfterSevereHours: 48,
  monthlyCaseCap: 0,
  groupDebriefMinClinicians: 3,
  ...overrides,
});

const candidate = (id: string, overrides: Partial<SupporterCandidate> = {}): SupporterCandidate => ({
  id,
  clinicianId: `clin-${id}`,
  profession: 'nurse',
  department: 'surgery',
  languages: ['en'],
  status: 'active',
  optedOut: false,
  trainingExpiresOn: '2027-01-01',
  openCases: 0,
  maxOpenCases: 2,
  lastAssignedAt: new Date('2026-10-01T00:00:00Z'),
  availability: { timeZone: 'UTC', windows: [], unavailable: [] },
  lastSevereAcceptedAt: null,
  acceptsCasesWhileResting: false,
  casesMonth: null,
  casesInMonth: 0,
  ...overrides,
});

const kase = (overrides: Partial<CaseToMatch> = {}): CaseToMatch => ({
  clinicianId: 'clin-patient-zero',
  profession: 'nurse',
  department: 'emergency',
  languages: [],
  involvedClinicianIds: [],
  alreadyOffered: [],
  ...overrides,
});

const ids = (decision: ReturnType<typeof decide>) => decision.ranked.map((entry) => entry.supporter.id);

describe('exclusionsOf: each eligibility rule', () => {
  it.each([
    ['paused', { status: 'paused' }, kase(), policy(), 'paused'],
    ['opted out as a supporter', { optedOut: true }, kase(), policy(), 'opted-out'],
    ['training expired yesterday', { trainingExpiresOn: '2026-11-30' }, kase(), policy(), 'training-expired'],
    ['without training on record', { trainingExpiresOn: null }, kase(), policy(), 'training-expired'],
    ['away (ad-hoc)', { availability: { timeZone: 'UTC', windows: [], unavailable: [{ startsAt: new Date('2026-12-01T00:00:00Z'), endsAt: new Date('2026-12-03T00:00:00Z') }] } }, kase(), policy(), 'unavailable-ad-hoc'],
    ['off schedule', { availability: { timeZone: 'UTC', windows: [{ day: 2, startMinute: 0, endMinute: 600 }], unavailable: [] } }, kase(), policy(), 'off-schedule'],
    ['at capacity', { openCases: 2, maxOpenCases: 2 }, kase(), policy(), 'at-capacity'],
    ['the clinician', { clinicianId: 'clin-patient-zero' }, kase(), policy(), 'is-the-clinician'],
    ['involved in the same event', { clinicianId: 'clin-colleague' }, kase({ involvedClinicianIds: ['clin-colleague'] }), policy(), 'involved-in-event'],
    ['already offered this case', {}, kase({ alreadyOffered: ['s1'] }), policy(), 'already-offered'],
    ['from the clinician\'s department under "avoid"', { department: 'Emergency' }, kase(), policy({ departmentRule: 'avoid' }), 'same-department'],
    ['without a shared language', { languages: ['en'] }, kase({ languages: ['es'] }), policy(), 'no-shared-language'],
  ] as const)('excludes a supporter who is %s', (_label, overrides, theCase, thePolicy, reason) => {
    expect(exclusionsOf(candidate('s1', overrides as Partial<SupporterCandidate>), theCase, thePolicy, NOW)).toEqual([reason]);
  });

  it('keeps a supporter whose training expires today and who is one case below capacity', () => {
    expect(exclusionsOf(candidate('s1', { trainingExpiresOn: TODAY, openCases: 1 }), kase(), policy(), NOW)).toEqual([]);
  });

  it('keeps a supporter inside their on-call window', () => {
    const onCall = { timeZone: 'UTC', windows: [{ day: 2, startMinute: 14 * 60, endMinute: 16 * 60 }], unavailable: [] };
    expect(exclusionsOf(candidate('s1', { availability: onCall }), kase(), policy(), NOW)).toEqual([]);
  });

  it('allows the same department under "prefer" and "any"', () => {
    for (const departmentRule of ['prefer', 'any'] as const) {
      expect(exclusionsOf(candidate('s1', { department: 'emergency' }), kase(), policy({ departmentRule }), NOW)).toEqual([]);
    }
  });

  it('does not require a language when the clinician lists none, or when the policy says "any"', () => {
    expect(exclusionsOf(candidate('s1', { languages: [] }), kase({ languages: [] }), policy(), NOW)).toEqual([]);
    expect(exclusionsOf(candidate('s1', { languages: ['en'] }), kase({ languages: ['es'] }), policy({ languageRule: 'any' }), NOW)).toEqual([]);
    expect(exclusionsOf(candidate('s1', { languages: ['en', 'ES'] }), kase({ languages: ['es'] }), policy(), NOW)).toEqual([]);
  });

  it('never treats a supporter without a directory record as the (unknown) clinician', () => {
    expect(exclusionsOf(candidate('s1', { clinicianId: null }), kase({ clinicianId: null }), policy(), NOW)).toEqual([]);
  });

  it('lists every rule that applies', () => {
    const everything = candidate('s1', { status: 'paused', optedOut: true, trainingExpiresOn: '2020-01-01', openCases: 5, clinicianId: 'clin-patient-zero', department: 'emergency', languages: [] });
    expect(exclusionsOf(everything, kase({ alreadyOffered: ['s1'], languages: ['es'] }), policy({ departmentRule: 'avoid' }), NOW)).toEqual([
      'paused', 'opted-out', 'training-expired', 'at-capacity', 'is-the-clinician', 'already-offered', 'same-department', 'no-shared-language',
    ]);
  });
});

describe('decide: ranking', () => {
  it('puts a peer of the same profession first, even with more open cases', () => {
    const decision = decide([candidate('pharm', { profession: 'pharmacist' }), candidate('nurse', { openCases: 1 })], kase(), policy(), NOW);
    expect(ids(decision)).toEqual(['nurse', 'pharm']);
  });

  it('prefers nobody by profession when the clinician\'s profession is unknown (a directory row imported without one)', () => {
    const decision = decide([candidate('nurse', { openCases: 1 }), candidate('pharm', { profession: 'pharmacist' })], kase({ profession: null }), policy(), NOW);
    expect(ids(decision)).toEqual(['pharm', 'nurse']);
    expect(decision.ranked.map((entry) => entry.reasons[0])).toEqual(['profession unknown', 'profession unknown']);
  });

  it('ignores profession under professionRule "any"', () => {
    const decision = decide([candidate('nurse', { openCases: 1 }), candidate('pharm', { profession: 'pharmacist' })], kase(), policy({ professionRule: 'any' }), NOW);
    expect(ids(decision)).toEqual(['pharm', 'nurse']);
  });

  it('puts the same department first under "prefer", before profession', () => {
    const decision = decide(
      [candidate('peer-elsewhere'), candidate('same-dept-pharm', { department: 'emergency', profession: 'pharmacist', openCases: 1 })],
      kase(),
      policy({ departmentRule: 'prefer' }),
      NOW,
    );
    expect(ids(decision)).toEqual(['same-dept-pharm', 'peer-elsewhere']);
  });

  it('then prefers the lowest load, then the least recently assigned (never-assigned first), then the id', () => {
    const decision = decide(
      [
        candidate('busy', { openCases: 1, lastAssignedAt: null }),
        candidate('recent', { lastAssignedAt: new Date('2026-11-30T00:00:00Z') }),
        candidate('b-never', { lastAssignedAt: null }),
        candidate('a-never', { lastAssignedAt: null }),
        candidate('older', { lastAssignedAt: new Date('2026-06-01T00:00:00Z') }),
      ],
      kase(),
      policy(),
      NOW,
    );
    expect(ids(decision)).toEqual(['a-never', 'b-never', 'older', 'recent', 'busy']);
  });

  it('explains each eligible supporter\'s rank', () => {
    const decision = decide([candidate('s1', { lastAssignedAt: null })], kase(), policy({ departmentRule: 'avoid' }), NOW);
    expect(decision.ranked[0]).toMatchObject({ rank: 1, reasons: ['other department', 'same profession', '0 open cases', 'never assigned'] });
  });

  it('counts exclusions by reason and the supporters considered, once per supporter id', () => {
    const decision = decide(
      [candidate('a', { status: 'paused' }), candidate('b', { openCases: 2 }), candidate('c', { openCases: 2, status: 'paused' }), candidate('d'), candidate('d')],
      kase(),
      policy(),
      NOW,
    );
    expect(decision.considered).toBe(4);
    expect(decision.excluded).toEqual({ paused: 2, 'at-capacity': 2 });
    expect(ids(decision)).toEqual(['d']);
  });

  it('keeps only the chosen supporter and a few runners-up in the stored record', () => {
    const roster = Array.from({ length: 10 }, (_, index) => candidate(`s${index}`, { lastAssignedAt: new Date(Date.UTC(2026, 0, index + 1)) }));
    const record = decisionRecord(decide([...roster, candidate('x', { status: 'paused' })], kase(), policy(), NOW), 's2');
    expect(record.reasons.map((entry) => [entry.supporterId, entry.chosen, entry.rank])).toEqual([
      ['s2', true, 3], ['s0', false, 1], ['s1', false, 2], ['s3', false, 4],
    ]);
    expect(record).toMatchObject({ considered: 11, excluded: { paused: 1 } });
  });
});

describe('decide: properties', () => {
  const arbitraryCandidate = (id: string) =>
    fc.record({
      id: fc.constant(id),
      clinicianId: fc.option(fc.constantFrom('c1', 'c2', 'c3'), { nil: null }),
      profession: fc.constantFrom('nurse', 'physician'),
      department: fc.option(fc.constantFrom('er', 'icu'), { nil: null }),
      languages: fc.subarray(['en', 'es']),
      status: fc.constantFrom('active', 'active', 'paused'),
      optedOut: fc.constantFrom(false, false, false, true),
      trainingExpiresOn: fc.option(fc.constantFrom('2026-11-30', '2026-12-01', '2027-06-01'), { nil: null }),
      openCases: fc.integer({ min: 0, max: 3 }),
      maxOpenCases: fc.integer({ min: 1, max: 3 }),
      lastAssignedAt: fc.option(fc.date({ min: new Date('2025-01-01'), max: new Date('2026-11-30'), noInvalidDate: true }), { nil: null }),
      availability: fc.constant<Availability>({ timeZone: 'UTC', windows: [], unavailable: [] }),
      lastSevereAcceptedAt: fc.option(fc.date({ min: new Date('2026-11-25'), max: NOW, noInvalidDate: true }), { nil: null }),
      acceptsCasesWhileResting: fc.boolean(),
      casesMonth: fc.option(fc.constantFrom('2026-11', '2026-12'), { nil: null }),
      casesInMonth: fc.integer({ min: 0, max: 6 }),
    }).map((value): SupporterCandidate => value);
  const roster = fc.uniqueArray(fc.stringMatching(/^s[0-9]{1,2}$/), { maxLength: 12 }).chain((list) => fc.tuple(...list.map(arbitraryCandidate)));
  const theCase = fc.record({
    clinicianId: fc.option(fc.constantFrom('c1', 'c2'), { nil: null }),
    profession: fc.option(fc.constantFrom('nurse', 'physician'), { nil: null }),
    department: fc.option(fc.constantFrom('er', 'icu'), { nil: null }),
    languages: fc.subarray(['en', 'es']),
    involvedClinicianIds: fc.subarray(['c2', 'c3']),
    alreadyOffered: fc.subarray(['s1', 's2', 's3']),
  });
  const thePolicy = fc.record({
    departmentRule: fc.constantFrom('avoid', 'prefer', 'any'),
    professionRule: fc.constantFrom('prefer', 'any'),
    languageRule: fc.constantFrom('require', 'any'),
    restAfterSevereHours: fc.constantFrom(0, 24, 48),
    monthlyCaseCap: fc.constantFrom(0, 2, 4),
  }).map((rules) => policy(rules as Partial<MatchingPolicy>));

  it('ranks exactly the candidates with no exclusion, each once, and counts every exclusion', () => {
    fc.assert(
      fc.property(roster, theCase, thePolicy, (candidates, c, p) => {
        const decision = decide(candidates, c, p, NOW);
        const eligible = candidates.filter((s) => exclusionsOf(s, c, p, NOW).length === 0).map((s) => s.id);
        expect([...ids(decision)].sort()).toEqual([...eligible].sort());
        const total = candidates.reduce((sum, s) => sum + exclusionsOf(s, c, p, NOW).length, 0);
        expect(Object.values(decision.excluded).reduce((sum, n) => sum + (n ?? 0), 0)).toBe(total);
        for (const reason of Object.keys(decision.excluded)) expect(EXCLUSION_REASONS).toContain(reason);
      }),
    );
  });

  it('never ranks a paused, untrained, over-capacity or involved supporter, nor the clinician', () => {
    fc.assert(
      fc.property(roster, theCase, thePolicy, (candidates, c, p) => {
        for (const { supporter } of decide(candidates, c, p, NOW).ranked) {
          expect(supporter.status).toBe('active');
          expect(supporter.optedOut).toBe(false);
          expect(supporter.trainingExpiresOn! >= TODAY).toBe(true);
          expect(supporter.openCases).toBeLessThan(supporter.maxOpenCases);
          if (supporter.clinicianId) expect([c.clinicianId, ...c.involvedClinicianIds]).not.toContain(supporter.clinicianId);
          expect(c.alreadyOffered).not.toContain(supporter.id);
          if (p.departmentRule === 'avoid' && c.department) expect(supporter.department).not.toBe(c.department);
        }
      }),
    );
  });

  it('does not depend on the order of the roster', () => {
    fc.assert(
      fc.property(roster, theCase, thePolicy, (candidates, c, p) => {
        expect(ids(decide([...candidates].reverse(), c, p, NOW))).toEqual(ids(decide(candidates, c, p, NOW)));
      }),
    );
  });

  it('orders neighbours by department (when preferred), profession (when preferred), load, then last assignment', () => {
    fc.assert(
      fc.property(roster, theCase, thePolicy, (candidates, c, p) => {
        const key = (s: SupporterCandidate) => [
          p.departmentRule === 'prefer' && c.department && s.department === c.department ? 0 : 1,
          p.professionRule === 'prefer' && c.profession && s.profession === c.profession ? 0 : 1,
          s.openCases,
          s.lastAssignedAt?.getTime() ?? -Infinity,
        ];
        const ranked = decide(candidates, c, p, NOW).ranked.map((entry) => entry.supporter);
        for (let i = 1; i < ranked.length; i++) {
          const [previous, next] = [key(ranked[i - 1]), key(ranked[i])];
          const first = previous.findIndex((value, position) => value !== next[position]);
          if (first >= 0) expect(previous[first]).toBeLessThan(next[first]);
        }
      }),
    );
  });
});
