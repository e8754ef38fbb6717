import { EntityManager } from 'typeorm';
import { CaseToMatch, exclusionsOf, monthOf, SupporterCandidate } from '../policy/matching-decision';
import { MatchingPolicy } from '../policy/policy';
import { CANDIDATE_PAGE, CandidateFilter, CandidateTier, SupporterStore } from '../roster/supporter-store';

/** Eligible supporters wanted per tier: the chosen one, runners-up, and spares for concurrent decisions. */
const WANTED = 8;

/** Care for the carers, as the candidate query and the reservation check them: not resting, under the monthly cap. */
export function careFilter(policy: MatchingPolicy, now: Date): Pick<CandidateFilter, 'restedSince' | 'monthlyCap'> {
  return {
    restedSince: policy.restAfterSevereHours > 0 ? new Date(now.getTime() - policy.restAfterSevereHours * 3_600_000) : undefined,
    monthlyCap: { month: monthOf(now), cap: policy.monthlyCaseCap },
  };
}

/**
 * The rules that depend on the supporter row alone (training current, under capacity, not resting after a
 * severe case, under the monthly cap, a shared language
 * when required, not the clinician's department under "avoid"; status, opt-out and availability through the
 * index predicate) filter in SQL while the index is read, so a page is not spent on supporters who could
 * never be chosen. The policy re-checks them all, so a decision's exclusion counts show the relational
 * rules (the clinician, the same event, already offered) and anything that changed since the last
 * availability refresh; the census of an escalation, and GET /v1/cases/:id/explain, count every rule.
 */
export function staticPrefilter(kase: CaseToMatch, policy: MatchingPolicy, now: Date): CandidateFilter {
  const care = careFilter(policy, now);
  const filter: CandidateFilter = {
    trainedOn: now.toISOString().slice(0, 10),
    restedSince: care.restedSince,
    monthlyCap: policy.monthlyCaseCap > 0 ? care.monthlyCap : undefined,
  };
  if (policy.languageRule === 'require' && kase.languages.length > 0) {
    filter.languages = [...new Set(kase.languages.flatMap((language) => [language, language.toLowerCase()]))];
  }
  if (policy.departmentRule === 'avoid' && kase.department) filter.avoidDepartment = kase.department.toLowerCase();
  return filter;
}

/** The classes of the ranking the policy uses for this case, best first: same department and profession, same department, same profession, anyone. */
export function candidateTiers(kase: CaseToMatch, policy: MatchingPolicy): CandidateTier[] {
  const department = kase.department?.toLowerCase() || null;
  const profession = kase.profession?.toLowerCase() || null;
  const byDepartment = policy.departmentRule === 'prefer' && department !== null;
  const byProfession = policy.professionRule === 'prefer' && profession !== null;
  const tiers: CandidateTier[] = [];
  if (byDepartment && byProfession) tiers.push({ department: department!, profession: profession! });
  if (byDepartment) tiers.push({ department: department! });
  if (byProfession) tiers.push({ profession: profession! });
  tiers.push({});
  return tiers;
}

/**
 * The supporters one decision examines, read through the program's pool indexes instead of the whole
 * roster. Each tier is a class of the ranking read in the ranking's own order (load, least recently assigned,
 * id) until it has yielded WANTED eligible supporters or is exhausted. Because every tier holds its own class
 * plus only classes ranked above it, the union always contains the policy's true best WANTED supporters.
 */
export async function loadCandidates(
  supporters: SupporterStore,
  manager: EntityManager,
  program: string,
  kase: CaseToMatch,
  policy: MatchingPolicy,
  now: Date,
): Promise<SupporterCandidate[]> {
  const tiers = candidateTiers(kase, policy);
  const filter = staticPrefilter(kase, policy, now);
  // First pages of every tier in one round trip; a tier is paged further only if its first page was full
  // and did not yield enough eligible supporters (e.g. the clinician's colleagues from the same event).
  const firstPages = await supporters.candidateFirstPages(manager, program, tiers, filter);
  const seen = new Map<string, SupporterCandidate>();
  const isEligible = (candidate: SupporterCandidate) => exclusionsOf(candidate, kase, policy, now).length === 0;
  /** Keeps the candidates of a page; returns how many of them are eligible. */
  const take = (page: SupporterCandidate[]) => {
    let eligible = 0;
    for (const read of page) {
      const candidate = seen.get(read.id) ?? read;
      seen.set(candidate.id, candidate);
      if (isEligible(candidate)) eligible++;
    }
    return eligible;
  };
  for (const [index, tier] of tiers.entries()) {
    let eligible = take(firstPages[index]);
    for (let offset = CANDIDATE_PAGE, size = firstPages[index].length; eligible < WANTED && size === CANDIDATE_PAGE; offset += CANDIDATE_PAGE) {
      const more = await supporters.candidatePage(manager, program, tier, filter, offset);
      eligible += take(more);
      size = more.length;
    }
  }
  return [...seen.values()];
}
