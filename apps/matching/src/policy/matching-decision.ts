import { Availability, unavailabilityAt } from './availability';
import { MatchingPolicy, RESTFUL_HARM_LEVELS } from './policy';

/** A roster entry as the policy sees it: no names, no contact details. */
export interface SupporterCandidate {
  id: string;
  clinicianId: string | null;
  profession: string;
  department: string | null;
  languages: string[];
  status: string;
  optedOut: boolean;
  /** Last day training is current (YYYY-MM-DD); null when no training is on record. */
  trainingExpiresOn: string | null;
  openCases: number;
  maxOpenCases: number;
  lastAssignedAt: Date | null;
  availability: Availability;
  /** When the supporter last accepted a case from a death or severe-harm event; null when never. */
  lastSevereAcceptedAt: Date | null;
  /** The supporter opted in to more cases during their rest period. */
  acceptsCasesWhileResting: boolean;
  /** The calendar month (UTC, YYYY-MM) `casesInMonth` counts; null when nothing was ever counted. */
  casesMonth: string | null;
  /** Cases taken (offers held and cases accepted) in `casesMonth`. */
  casesInMonth: number;
}

/** What the policy needs to know about the case and its clinician. */
export interface CaseToMatch {
  clinicianId: string | null;
  profession: string | null;
  department: string | null;
  languages: string[];
  /** Other clinicians named in the same event: they cannot support this colleague. */
  involvedClinicianIds: string[];
  /** Supporters already offered this case (declined, timed out or unreachable). */
  alreadyOffered: string[];
}

export const EXCLUSION_REASONS = [
  'paused',
  'opted-out',
  'training-expired',
  'unavailable-ad-hoc',
  'off-schedule',
  'at-capacity',
  'resting',
  'monthly-cap',
  'is-the-clinician',
  'involved-in-event',
  'already-offered',
  'same-department',
  'no-shared-language',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** The calendar month (UTC) `at` falls in, as YYYY-MM. */
export const monthOf = (at: Date): string => at.toISOString().slice(0, 7);

/** Whether accepting a case of this harm level starts a rest period. */
export const startsRest = (harmLevel: string | null | undefined): boolean => harmLevel != null && RESTFUL_HARM_LEVELS.includes(harmLevel);

/** Until when the supporter rests after their last severe case (whether or not they opted in to more); null when not resting at `now`. */
export function restingUntil(candidate: Pick<SupporterCandidate, 'lastSevereAcceptedAt'>, policy: Pick<MatchingPolicy, 'restAfterSevereHours'>, now: Date): Date | null {
  if (!candidate.lastSevereAcceptedAt || policy.restAfterSevereHours <= 0) return null;
  const until = new Date(candidate.lastSevereAcceptedAt.getTime() + policy.restAfterSevereHours * 3_600_000);
  return until > now ? until : null;
}

/** Cases the supporter has taken in the calendar month of `now`. */
export const casesThisMonth = (candidate: Pick<SupporterCandidate, 'casesMonth' | 'casesInMonth'>, now: Date): number =>
  candidate.casesMonth === monthOf(now) ? candidate.casesInMonth : 0;

/** Care for the carers: resting after a severe case (unless opted in to more), or at the program's monthly cap. */
export function careExclusionsOf(candidate: SupporterCandidate, policy: MatchingPolicy, now: Date): ('resting' | 'monthly-cap')[] {
  const reasons: ('resting' | 'monthly-cap')[] = [];
  if (!candidate.acceptsCasesWhileResting && restingUntil(candidate, policy, now)) reasons.push('resting');
  if (policy.monthlyCaseCap > 0 && casesThisMonth(candidate, now) >= policy.monthlyCaseCap) reasons.push('monthly-cap');
  return reasons;
}

const normalized = (value: string | null | undefined) => value?.toLowerCase() || null;

/** Every rule that keeps this supporter from this case right now; empty means eligible. */
export function exclusionsOf(candidate: SupporterCandidate, kase: CaseToMatch, policy: MatchingPolicy, now: Date): ExclusionReason[] {
  const reasons: ExclusionReason[] = [];
  if (candidate.status !== 'active') reasons.push('paused');
  if (candidate.optedOut) reasons.push('opted-out');
  if (!candidate.trainingExpiresOn || candidate.trainingExpiresOn < now.toISOString().slice(0, 10)) reasons.push('training-expired');
  const away = unavailabilityAt(candidate.availability, now);
  if (away) reasons.push(away);
  if (candidate.openCases >= candidate.maxOpenCases) reasons.push('at-capacity');
  reasons.push(...careExclusionsOf(candidate, policy, now));
  if (kase.clinicianId && candidate.clinicianId === kase.clinicianId) reasons.push('is-the-clinician');
  else if (candidate.clinicianId && kase.involvedClinicianIds.includes(candidate.clinicianId)) reasons.push('involved-in-event');
  if (kase.alreadyOffered.includes(candidate.id)) reasons.push('already-offered');
  if (policy.departmentRule === 'avoid' && sameDepartment(candidate, kase)) reasons.push('same-department');
  if (policy.languageRule === 'require' && kase.languages.length > 0 && !sharesLanguage(candidate, kase)) reasons.push('no-shared-language');
  return reasons;
}

/** One exclusion in words staff can read, e.g. "resting after a severe case until 2026-11-28T09:00:00.000Z". */
export function describeExclusion(reason: ExclusionReason, candidate: SupporterCandidate, policy: MatchingPolicy, now: Date): string {
  switch (reason) {
    case 'resting':
      return `resting after a severe case until ${restingUntil(candidate, policy, now)?.toISOString()}`;
    case 'monthly-cap':
      return `monthly cap reached (${casesThisMonth(candidate, now)} of ${policy.monthlyCaseCap} cases in ${monthOf(now)})`;
    case 'training-expired':
      return candidate.trainingExpiresOn ? `training expired on ${candidate.trainingExpiresOn}` : 'no training on record';
    case 'at-capacity':
      return `at capacity (${candidate.openCases} of ${candidate.maxOpenCases} open cases)`;
    default:
      return reason.replace(/-/g, ' ');
  }
}

/** Every rule that keeps this supporter from this case, in words. */
export function exclusionDetailsOf(candidate: SupporterCandidate, kase: CaseToMatch, policy: MatchingPolicy, now: Date): string[] {
  return exclusionsOf(candidate, kase, policy, now).map((reason) => describeExclusion(reason, candidate, policy, now));
}

export function sameDepartment(candidate: Pick<SupporterCandidate, 'department'>, kase: Pick<CaseToMatch, 'department'>): boolean {
  const department = normalized(kase.department);
  return department !== null && normalized(candidate.department) === department;
}

export function sameProfession(candidate: Pick<SupporterCandidate, 'profession'>, kase: Pick<CaseToMatch, 'profession'>): boolean {
  const profession = normalized(kase.profession);
  return profession !== null && normalized(candidate.profession) === profession;
}

function sharesLanguage(candidate: SupporterCandidate, kase: CaseToMatch): boolean {
  const spoken = new Set(candidate.languages.map((language) => language.toLowerCase()));
  return kase.languages.some((language) => spoken.has(language.toLowerCase()));
}

/**
 * The ranking key, compared left to right (lower is better): same department when the program prefers it,
 * a peer of the same profession when preferred, then the lowest open-case load, then whoever was assigned
 * least recently (never-assigned first), then the id so the order never depends on the roster's order.
 */
function rankKey(candidate: SupporterCandidate, kase: CaseToMatch, policy: MatchingPolicy): (number | string)[] {
  return [
    policy.departmentRule === 'prefer' && sameDepartment(candidate, kase) ? 0 : 1,
    policy.professionRule === 'prefer' && sameProfession(candidate, kase) ? 0 : 1,
    candidate.openCases,
    candidate.lastAssignedAt?.getTime() ?? -Infinity,
    candidate.id,
  ];
}

function compareKeys(a: (number | string)[], b: (number | string)[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) continue;
    if (typeof a[i] === 'string') return (a[i] as string) < (b[i] as string) ? -1 : 1;
    return (a[i] as number) - (b[i] as number);
  }
  return 0;
}

/** Why an eligible supporter ranks where they do, in words staff can read. */
export function rankingReasons(candidate: SupporterCandidate, kase: CaseToMatch, policy: MatchingPolicy, now?: Date): string[] {
  const reasons: string[] = [];
  if (policy.departmentRule === 'prefer') reasons.push(sameDepartment(candidate, kase) ? 'same department' : 'other department');
  if (policy.departmentRule === 'avoid' && kase.department) reasons.push('other department');
  // A clinician whose profession the directory does not know has no peers by profession: nobody is preferred.
  if (policy.professionRule === 'prefer') reasons.push(normalized(kase.profession) === null ? 'profession unknown' : sameProfession(candidate, kase) ? 'same profession' : 'different profession');
  if (policy.languageRule === 'require' && kase.languages.length > 0) reasons.push('shares a language');
  reasons.push(`${candidate.openCases} open cases`);
  reasons.push(candidate.lastAssignedAt ? `last assigned ${candidate.lastAssignedAt.toISOString()}` : 'never assigned');
  const resting = now && restingUntil(candidate, policy, now);
  if (resting) reasons.push(`opted in to cases while resting (until ${resting.toISOString()})`);
  if (now && policy.monthlyCaseCap > 0) reasons.push(`${casesThisMonth(candidate, now)} of ${policy.monthlyCaseCap} cases this month`);
  return reasons;
}

export interface RankedSupporter {
  supporter: SupporterCandidate;
  rank: number;
  reasons: string[];
}

export interface MatchingDecision {
  /** Eligible supporters, best first. */
  ranked: RankedSupporter[];
  /** How many supporters were examined. */
  considered: number;
  /** How many examined supporters each rule excluded (a supporter may count under several rules). */
  excluded: Partial<Record<ExclusionReason, number>>;
}

/** Applies the program's policy to the supporters examined for one case. Pure: same input, same decision. */
export function decide(candidates: SupporterCandidate[], kase: CaseToMatch, policy: MatchingPolicy, now: Date): MatchingDecision {
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  const eligible: { supporter: SupporterCandidate; key: (number | string)[] }[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate.id)) continue;
    seen.add(candidate.id);
    const reasons = exclusionsOf(candidate, kase, policy, now);
    for (const reason of reasons) excluded[reason] = (excluded[reason] ?? 0) + 1;
    if (reasons.length === 0) eligible.push({ supporter: candidate, key: rankKey(candidate, kase, policy) });
  }
  eligible.sort((a, b) => compareKeys(a.key, b.key));
  return {
    ranked: eligible.map(({ supporter }, index) => ({ supporter, rank: index + 1, reasons: rankingReasons(supporter, kase, policy, now) })),
    considered: seen.size,
    excluded,
  };
}

/** Supporters listed by name of rule in a census: enough for staff to see who rests or is capped, bounded for big rosters. */
const CENSUS_SUPPORTERS = 20;

/**
 * What an escalation records when nobody was eligible: the exclusion counts, and for up to 20 supporters
 * excluded by care-for-the-carers rules (resting, monthly cap) every reason they were excluded, in words.
 */
export function censusOf(candidates: SupporterCandidate[], kase: CaseToMatch, policy: MatchingPolicy, now: Date) {
  const decision = decide(candidates, kase, policy, now);
  const supporters = candidates
    .map((candidate) => ({ candidate, reasons: exclusionsOf(candidate, kase, policy, now) }))
    .filter(({ reasons }) => reasons.includes('resting') || reasons.includes('monthly-cap'))
    .slice(0, CENSUS_SUPPORTERS)
    .map(({ candidate, reasons }) => ({ supporterId: candidate.id, reasons: reasons.map((reason) => describeExclusion(reason, candidate, policy, now)) }));
  return { considered: decision.considered, excluded: decision.excluded, supporters };
}

/** What is kept with each offer: the chosen supporter and a few runners-up with their reasons, plus exclusion counts. */
export interface DecisionRecord {
  reasons: { supporterId: string; eligible: true; rank: number; chosen: boolean; reasons: string[] }[];
  considered: number;
  excluded: Partial<Record<ExclusionReason, number>>;
}

export function decisionRecord(decision: MatchingDecision, chosenId: string, runnersUp = 3): DecisionRecord {
  const chosen = decision.ranked.find((entry) => entry.supporter.id === chosenId);
  const others = decision.ranked.filter((entry) => entry.supporter.id !== chosenId).slice(0, runnersUp);
  const entries = chosen ? [chosen, ...others] : others;
  return {
    reasons: entries.map((entry) => ({ supporterId: entry.supporter.id, eligible: true, rank: entry.rank, chosen: entry === chosen, reasons: entry.reasons })),
    considered: decision.considered,
    excluded: decision.excluded,
  };
}
