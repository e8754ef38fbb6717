import { CaseOutcomeV1, CaseStatus, OutcomeReportV1 } from '@harbor/contracts';

/** What a supporter (or program staff) reports about a case: structured flags only, never notes. */
export type OutcomeReport = OutcomeReportV1;

export type OutcomeActor = 'supporter' | 'staff';

export interface OutcomeTransition {
  /** Status changes to apply, in order (each one is a lifecycle event). */
  statuses: CaseStatus[];
  outcome: CaseOutcomeV1;
  scheduleFollowUps: boolean;
  cancelFollowUps: boolean;
  releaseSupporter: boolean;
  followUpsDone: number;
}

export class OutcomeConflict extends Error {}

const AFTER_ACCEPTANCE: CaseStatus[] = ['accepted', 'contacted', 'follow-up'];

/**
 * The case lifecycle after acceptance, as a pure function: accepted → contacted (follow-ups scheduled)
 * → follow-up (each completed follow-up) → closed; or declined-by-clinician, after which nothing further
 * happens (the clinician got the resource sheet). Program staff may also close an escalated or unresolved case.
 */
export function outcomeTransition(
  status: CaseStatus,
  previous: CaseOutcomeV1 | null,
  followUpsDone: number,
  report: OutcomeReport,
  actor: OutcomeActor,
): OutcomeTransition {
  const staffOnlyClose = status === 'escalated' || status === 'unresolved';
  if (!AFTER_ACCEPTANCE.includes(status) && !(staffOnlyClose && actor === 'staff')) {
    throw new OutcomeConflict(`outcomes can be recorded only after acceptance (case is ${status})`);
  }
  if (staffOnlyClose && (report.contactMade || report.followUpCompleted || report.supportDeclined)) {
    throw new OutcomeConflict(`a ${status} case has no supporter; it can only be closed`);
  }
  if (report.supportDeclined && report.followUpCompleted) {
    throw new OutcomeConflict('supportDeclined cannot be combined with a follow-up');
  }
  const outcome: CaseOutcomeV1 = { ...(previous ?? {}) };
  if (report.contactMade !== undefined) outcome.contactMade = report.contactMade || outcome.contactMade;
  if (report.supportDeclined !== undefined) outcome.supportDeclined = report.supportDeclined;
  if (report.timeOffSuggested !== undefined) outcome.timeOffSuggested = report.timeOffSuggested || outcome.timeOffSuggested;
  if (report.referrals) outcome.referrals = [...new Set([...(outcome.referrals ?? []), ...report.referrals])];

  const result: OutcomeTransition = {
    statuses: [], outcome, scheduleFollowUps: false, cancelFollowUps: false, releaseSupporter: false, followUpsDone,
  };
  let current = status;
  if (report.contactMade && current === 'accepted') {
    result.statuses.push((current = 'contacted'));
    result.scheduleFollowUps = true;
  }
  if (report.followUpCompleted) {
    if (current !== 'contacted' && current !== 'follow-up') throw new OutcomeConflict('a follow-up needs a recorded contact first');
    result.followUpsDone = followUpsDone + 1;
    result.statuses.push((current = 'follow-up'));
  }
  if (report.supportDeclined) {
    result.statuses.push('declined-by-clinician');
    result.scheduleFollowUps = false;
    result.cancelFollowUps = true;
    result.releaseSupporter = !staffOnlyClose;
  } else if (report.close) {
    result.statuses.push('closed');
    result.scheduleFollowUps = false;
    result.cancelFollowUps = true;
    result.releaseSupporter = !staffOnlyClose;
  }
  return result;
}
