/**
 * The whole answer to a trigger someone submitted (incident, FHIR AdverseEvent, claim notice, referral): it was
 * accepted. Never what was decided — outreach, opted out, paged within the cooldown, a repeat, people sent to
 * triage — because a caller that can see the decision can test whether a clinician opted out or was in an
 * adverse event lately. A new submission and a repeat of one get the same answer; only input that is wrong is
 * answered differently (4xx naming the problem).
 */
export const ACCEPTED = Object.freeze({ status: 'accepted' as const });
