import { EntityManager } from 'typeorm';
import { CaseToMatch, exclusionsOf, SupporterCandidate } from '../policy/matching-decision';
import { MatchingPolicy } from '../policy/policy';

/** Rows read per page of one tier. */
const PAGE = 16;
/** Eligible supporters wanted per tier: the chosen one, runners-up, and spares for concurrent decisions. */
const WANTED = 8;

export interface Tier {
  /** Extra conditions; {1}, {2}, … stand for the tier's own parameters, in order. */
  clause: string;
  params: unknown[];
}

/**
 * The rules that depend on the supporter row alone (training current, under capacity, a shared language
 * when required, not the clinician's department under "avoid"; status, opt-out and availability through the
 * index predicate) filter in SQL while the index is read, so a page is not spent on supporters who could
 * never be chosen. The policy re-checks them all, so a decision's exclusion counts show the relational
 * rules (the clinician, the same event, already offered) and anything that changed since the last
 * availability refresh; the census of an escalation, and GET /v1/cases/:id/explain, count every rule.
 * Placeholders are numbered after the tier's own, as {3}, {4}, {5}.
 */
function staticPrefilter(kase: CaseToMatch, policy: MatchingPolicy, now: Date): { clause: string; params: unknown[] } {
  const conditions = [`s."open_cases" < s."max_open_cases"`, `s."training_expires_on" >= {T}::date`];
  const params: unknown[] = [now.toISOString().slice(0, 10)];
  if (policy.languageRule === 'require' && kase.languages.length > 0) {
    conditions.push(`s."languages" && {T}::text[]`);
    params.push([...new Set(kase.languages.flatMap((language) => [language, language.toLowerCase()]))]);
  }
  if (policy.departmentRule === 'avoid' && kase.department) {
    conditions.push(`lower(s."department") IS DISTINCT FROM {T}`);
    params.push(kase.department.toLowerCase());
  }
  return { clause: conditions.map((condition) => `AND ${condition}`).join(' '), params };
}

/** Replaces the {T} markers of a prefilter with the numbered placeholders {n}, {n+1}, … */
function numberMarkers(clause: string, first: number): string {
  let next = first;
  return clause.replace(/\{T\}/g, () => `{${next++}}`);
}

/**
 * The supporters one decision examines, read through the program's pool indexes instead of the whole
 * roster. Each tier is a class of the ranking (same department and profession, same department, same
 * profession, anyone) read in the ranking's own order (load, least recently assigned, id) until it has
 * yielded WANTED eligible supporters or is exhausted. Because every tier holds its own class plus only
 * classes ranked above it, the union always contains the policy's true best WANTED supporters.
 */
export async function loadCandidates(
  manager: EntityManager,
  program: string,
  kase: CaseToMatch,
  policy: MatchingPolicy,
  now: Date,
): Promise<SupporterCandidate[]> {
  const department = kase.department?.toLowerCase() || null;
  const profession = kase.profession?.toLowerCase() || null;
  const byDepartment = policy.departmentRule === 'prefer' && department !== null;
  const byProfession = policy.professionRule === 'prefer' && profession !== null;
  const tiers: Tier[] = [];
  if (byDepartment && byProfession) tiers.push({ clause: CANDIDATE_TIERS.departmentAndProfession, params: [department, profession] });
  if (byDepartment) tiers.push({ clause: CANDIDATE_TIERS.department, params: [department] });
  if (byProfession) tiers.push({ clause: CANDIDATE_TIERS.profession, params: [profession] });
  tiers.push({ clause: CANDIDATE_TIERS.anyone, params: [] });

  const prefilter = staticPrefilter(kase, policy, now);
  for (const tier of tiers) {
    tier.clause = `${tier.clause} ${numberMarkers(prefilter.clause, tier.params.length + 1)}`;
    tier.params = [...tier.params, ...prefilter.params];
  }
  // First pages of every tier in one round trip; a tier is paged further only if its first page was full
  // and did not yield enough eligible supporters (e.g. the clinician's colleagues from the same event).
  const { sql, params } = firstPagesSql(tiers, program);
  const rows: (Record<string, unknown> & { tier: number })[] = await manager.query(sql, params);
  const seen = new Map<string, SupporterCandidate>();
  const isEligible = (candidate: SupporterCandidate) => exclusionsOf(candidate, kase, policy, now).length === 0;
  const take = (row: Record<string, unknown>) => {
    const candidate = seen.get(row.id as string) ?? toCandidate(row);
    seen.set(candidate.id, candidate);
    return candidate;
  };
  for (const [index, tier] of tiers.entries()) {
    const page = rows.filter((row) => Number(row.tier) === index).map(take);
    let eligible = page.filter(isEligible).length;
    for (let offset = PAGE, size = page.length; eligible < WANTED && size === PAGE; offset += PAGE) {
      const more = (await manager.query(candidatePageSql(tier.clause), [program, offset, ...tier.params])).map(take) as SupporterCandidate[];
      eligible += more.filter(isEligible).length;
      size = more.length;
    }
  }
  return [...seen.values()];
}

/**
 * Every supporter of the program, for the census an escalation records when nobody was eligible (which
 * rules excluded how many) and for staff's explanation of a case. Rare, so reading the whole roster is acceptable.
 */
export async function loadPool(manager: EntityManager, program: string): Promise<SupporterCandidate[]> {
  const rows: Record<string, unknown>[] = await manager.query(`SELECT ${COLUMNS} FROM "matching"."supporters" s WHERE s."program" = $1`, [program]);
  return rows.map(toCandidate);
}

const COLUMNS = `s."id", s."clinician_id", s."profession", s."department", s."languages", s."status", s."opted_out",
            to_char(s."training_expires_on", 'YYYY-MM-DD') AS training, s."open_cases", s."max_open_cases",
            s."last_assigned_at", s."time_zone", s."schedule", s."unavailable"`;
/** The pool indexes' predicate: active, not opted out, and on call at the last availability refresh. */
const POOL = `FROM "matching"."supporters" s WHERE s."program" = $1 AND s."status" = 'active' AND NOT s."opted_out" AND s."available_now"`;
const ORDER = `ORDER BY s."program", s."open_cases", s."last_assigned_at" NULLS FIRST, s."id"`;

/** The first page of each tier as one UNION ALL; each branch keeps its own index order and limit. */
export function firstPagesSql(tiers: Tier[], program: string): { sql: string; params: unknown[] } {
  const params: unknown[] = [program];
  const branches = tiers.map((tier, index) => {
    let clause = tier.clause;
    // The tier's own parameters {1}, {2} take this statement's next free numbers.
    const base = params.length;
    params.push(...tier.params);
    clause = clause.replace(/\{(\d+)\}/g, (_match, position: string) => `$${base + Number(position)}`);
    return `(SELECT ${index} AS tier, ${COLUMNS} ${POOL} ${clause} ${ORDER} LIMIT ${PAGE})`;
  });
  return { sql: branches.join('\nUNION ALL\n'), params };
}

/** A further page of one tier, in the ranking's order. Parameters: $1 program, $2 offset, then the tier's own ({1} → $3, …). */
export function candidatePageSql(tierClause: string): string {
  return `SELECT ${COLUMNS} ${POOL} ${tierClause.replace(/\{(\d+)\}/g, (_match, position: string) => `$${2 + Number(position)}`)} ${ORDER} LIMIT ${PAGE} OFFSET $2`;
}

export const CANDIDATE_TIERS = {
  departmentAndProfession: `AND lower(s."department") = {1} AND lower(s."profession") = {2}`,
  department: `AND lower(s."department") = {1}`,
  profession: `AND lower(s."profession") = {1}`,
  anyone: '',
};

function toCandidate(row: Record<string, unknown>): SupporterCandidate {
  return {
    id: row.id as string,
    clinicianId: row.clinician_id as string | null,
    profession: row.profession as string,
    department: row.department as string | null,
    languages: row.languages as string[],
    status: row.status as string,
    optedOut: row.opted_out as boolean,
    trainingExpiresOn: row.training as string | null,
    openCases: Number(row.open_cases),
    maxOpenCases: Number(row.max_open_cases),
    lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at as string) : null,
    availability: {
      timeZone: row.time_zone as string,
      windows: (row.schedule as number[][]).map(([day, startMinute, endMinute]) => ({ day, startMinute, endMinute })),
      unavailable: (row.unavailable as string[][]).map(([startsAt, endsAt]) => ({ startsAt: new Date(startsAt), endsAt: new Date(endsAt) })),
    },
  };
}
