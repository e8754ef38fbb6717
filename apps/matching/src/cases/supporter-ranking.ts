/** A roster entry as the ranking sees it: no names, no contact details. */
export interface SupporterCandidate {
  id: string;
  clinicianId: string | null;
  profession: string;
  status: string;
  trainingExpiresOn: string; // YYYY-MM-DD
  openCases: number;
  maxOpenCases: number;
  lastAssignedAt: Date | null;
}

export interface CaseToMatch {
  clinicianId: string | null;
  clinicianProfession: string | null;
  /** Supporters already offered this case (declined or timed out). */
  alreadyOffered: string[];
}

export interface CandidateVerdict {
  supporterId: string;
  eligible: boolean;
  reasons: string[];
}

export interface RankingResult {
  /** Eligible supporters, best first. */
  ranked: SupporterCandidate[];
  /** Why each supporter was or was not considered, kept with the offer so staff can see it. */
  verdicts: CandidateVerdict[];
}

function ineligibility(candidate: SupporterCandidate, kase: CaseToMatch, today: string): string[] {
  const reasons: string[] = [];
  if (candidate.status !== 'active') reasons.push(`status is ${candidate.status}`);
  if (candidate.trainingExpiresOn < today) reasons.push('training expired');
  if (candidate.openCases >= candidate.maxOpenCases) reasons.push('at capacity');
  if (kase.clinicianId && candidate.clinicianId === kase.clinicianId) reasons.push('is the clinician');
  if (kase.alreadyOffered.includes(candidate.id)) reasons.push('already offered this case');
  return reasons;
}

/**
 * The spine's matching rule: eligible supporters (active, trained and current, under capacity, not the
 * clinician, not already offered), a peer of the same profession first, then the lowest open-case load,
 * then whoever was assigned least recently, so work spreads fairly.
 */
export function rankSupporters(candidates: SupporterCandidate[], kase: CaseToMatch, today: string): RankingResult {
  const verdicts: CandidateVerdict[] = [];
  const eligible: SupporterCandidate[] = [];
  for (const candidate of candidates) {
    const reasons = ineligibility(candidate, kase, today);
    verdicts.push({ supporterId: candidate.id, eligible: reasons.length === 0, reasons });
    if (reasons.length === 0) eligible.push(candidate);
  }
  const samePeer = (candidate: SupporterCandidate) => (kase.clinicianProfession && candidate.profession === kase.clinicianProfession ? 0 : 1);
  const assignedAt = (candidate: SupporterCandidate) => candidate.lastAssignedAt?.getTime() ?? -Infinity;
  const ranked = [...eligible].sort(
    (a, b) => samePeer(a) - samePeer(b) || a.openCases - b.openCases || assignedAt(a) - assignedAt(b) || a.id.localeCompare(b.id),
  );
  for (const verdict of verdicts) {
    const position = ranked.findIndex((candidate) => candidate.id === verdict.supporterId);
    if (position >= 0) {
      const candidate = ranked[position];
      verdict.reasons.push(`rank ${position + 1}`, samePeer(candidate) === 0 ? 'same profession' : 'different profession', `${candidate.openCases} open cases`);
    }
  }
  return { ranked, verdicts };
}
