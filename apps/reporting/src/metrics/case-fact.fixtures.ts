import fc from 'fast-check';
import { ESCALATION_REASONS, HARM_LEVELS, PROFESSION_GROUPS, REFERRAL_TYPES, TRIGGER_CATEGORIES, TRIGGER_KINDS } from '@harbor/contracts';
import { CaseFact } from './case-fact';

/** Test data for the reporting specs (excluded from the build). */

/** A reached, accepted, unescalated incident at north/icu; override what a test is about. */
export function caseFact(overrides: Partial<CaseFact> = {}): CaseFact {
  return {
    triggerKind: 'incident',
    category: 'medication-error',
    harmLevel: 'severe',
    facility: 'north',
    department: 'icu',
    professionGroup: 'physician',
    openedHour: new Date(Date.UTC(2025, 2, 3, 8)),
    offers: 1,
    supporterAccepted: true,
    reached: true,
    clinicianDeclined: false,
    referrals: [],
    followUpsCompleted: 1,
    escalated: false,
    escalationReason: null,
    fallbackOffered: false,
    supporterKey: 's1',
    minutesEventToFirstPage: 30,
    minutesOfferToAccept: 4,
    minutesToFirstContact: 20,
    ...overrides,
  };
}

/** `count` copies of a fact, an hour apart (same month for counts up to ~600). */
export function caseFacts(count: number, overrides: Partial<CaseFact> = {}): CaseFact[] {
  const start = (overrides.openedHour ?? new Date(Date.UTC(2025, 2, 3, 8))).getTime();
  return Array.from({ length: count }, (_, i) => caseFact({ ...overrides, openedHour: new Date(start + i * 3_600_000) }));
}

/** Free text a source system could send, next to vocabulary values. */
export const HOSTILE_FACILITIES = ['sec-col', 'sec-col/a', '=HYPERLINK("http://x")', 'canary-fac-7f3a', ' North '];
export const HOSTILE_DEPARTMENTS = ['a/b', 'b', '@SUM(A1)', 'canary-dept-7f3a', ''];

/** Random facts opened in [from, from + hours). */
export function caseFactArbitrary(options: { facilities: string[]; departments: string[]; from: Date; hours: number }): fc.Arbitrary<CaseFact> {
  return fc.record({
    triggerKind: fc.constantFrom(...TRIGGER_KINDS),
    category: fc.constantFrom(...TRIGGER_CATEGORIES),
    harmLevel: fc.option(fc.constantFrom(...HARM_LEVELS), { nil: null }),
    facility: fc.constantFrom(...options.facilities),
    department: fc.option(fc.constantFrom(...options.departments), { nil: null }),
    professionGroup: fc.option(fc.constantFrom(...PROFESSION_GROUPS), { nil: null }),
    openedHour: fc.integer({ min: 0, max: options.hours - 1 }).map((h) => new Date(options.from.getTime() + h * 3_600_000)),
    offers: fc.integer({ min: 0, max: 3 }),
    supporterAccepted: fc.boolean(),
    reached: fc.boolean(),
    clinicianDeclined: fc.boolean(),
    referrals: fc.subarray([...REFERRAL_TYPES]),
    followUpsCompleted: fc.integer({ min: 0, max: 3 }),
    escalated: fc.boolean(),
    escalationReason: fc.option(fc.constantFrom(...ESCALATION_REASONS), { nil: null }),
    fallbackOffered: fc.boolean(),
    supporterKey: fc.option(fc.constantFrom('s1', 's2', 's3', 's4', 's5'), { nil: null }),
    minutesEventToFirstPage: fc.option(fc.nat(600), { nil: null }),
    minutesOfferToAccept: fc.option(fc.nat(120), { nil: null }),
    minutesToFirstContact: fc.option(fc.nat(600), { nil: null }),
  }) as fc.Arbitrary<CaseFact>;
}

/**
 * Groups of alike cases whose sizes sit at the thresholds (1, 2, k-1, k, k+1, 2k): the shapes where a
 * hidden cell is one step from being pinned (28 / 11 / 1), which uniform random facts rarely produce.
 */
export function thresholdFactsArbitrary(k: number, options: { facilities: string[]; departments: string[]; from: Date; days: number }): fc.Arbitrary<CaseFact[]> {
  return fc
    .array(
      fc.record({
        count: fc.oneof(fc.constantFrom(1, 2, k - 1, k, k + 1, 2 * k), fc.integer({ min: 0, max: 3 * k })),
        facility: fc.constantFrom(...options.facilities),
        department: fc.option(fc.constantFrom(...options.departments), { nil: null }),
        day: fc.integer({ min: 0, max: options.days - 1 }),
        offers: fc.constantFrom(0, 1, 1, 1),
        supporterAccepted: fc.boolean(),
        reached: fc.boolean(),
        minutesOfferToAccept: fc.option(fc.nat(60), { nil: null }),
        triggerKind: fc.constantFrom('incident', 'incident', 'lawsuit'),
      }),
      { minLength: 1, maxLength: 5 },
    )
    .map((groups) =>
      groups.flatMap(({ count, day, ...group }) =>
        caseFacts(count, { ...group, openedHour: new Date(options.from.getTime() + day * 86_400_000) }).map((fact) => ({
          ...fact,
          supporterAccepted: group.offers > 0 && group.supporterAccepted,
          reached: group.offers > 0 && group.supporterAccepted && group.reached,
        })),
      ),
    );
}
