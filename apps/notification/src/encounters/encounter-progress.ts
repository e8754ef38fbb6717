import { ReferralType } from '@harbor/contracts';

/** What the encounter page has recorded for one accepted assignment: flags only. */
export interface EncounterProgress {
  contactMade: boolean;
  supportDeclined: boolean;
  referrals: ReferralType[];
  timeOffSuggested: boolean;
  followUpsDone: number;
  closed: boolean;
}

export const NOTHING_RECORDED: EncounterProgress = Object.freeze({
  contactMade: false, supportDeclined: false, referrals: [], timeOffSuggested: false, followUpsDone: 0, closed: false,
}) as EncounterProgress;

export const ENCOUNTER_ACTIONS = ['contact-made', 'declined', 'follow-up', 'close'] as const;
export type EncounterAction = (typeof ENCOUNTER_ACTIONS)[number];

/** The outcome flags one submission reports to matching (EncounterRecorded). */
export interface EncounterReport {
  contactMade?: boolean;
  supportDeclined?: boolean;
  referrals?: ReferralType[];
  timeOffSuggested?: boolean;
  followUpCompleted?: boolean;
  close?: boolean;
}

/**
 * The actions the page offers, as matching's case lifecycle allows them: first the contact (made, or declined
 * by the clinician); after a contact, follow-ups and closing; after a decline or a close, nothing.
 */
export function availableActions(progress: EncounterProgress): EncounterAction[] {
  if (progress.closed || progress.supportDeclined) return [];
  if (!progress.contactMade) return ['contact-made', 'declined'];
  return ['follow-up', 'close'];
}

/** One submission: the report for matching and the page's new progress; undefined if the action is not available. */
export function recordAction(
  progress: EncounterProgress,
  action: EncounterAction,
  offered: { referrals: ReferralType[]; timeOffSuggested: boolean },
): { report: EncounterReport; progress: EncounterProgress } | undefined {
  if (!availableActions(progress).includes(action)) return undefined;
  const report: EncounterReport = {};
  const next: EncounterProgress = { ...progress, referrals: [...progress.referrals] };
  if (action === 'contact-made') next.contactMade = report.contactMade = true;
  if (action === 'declined') next.supportDeclined = report.supportDeclined = true;
  if (action === 'follow-up') {
    report.followUpCompleted = true;
    next.followUpsDone += 1;
  }
  if (action === 'close') next.closed = report.close = true;
  if (offered.referrals.length > 0) {
    report.referrals = [...new Set(offered.referrals)];
    next.referrals = [...new Set([...next.referrals, ...offered.referrals])];
  }
  if (offered.timeOffSuggested) next.timeOffSuggested = report.timeOffSuggested = true;
  return { report, progress: next };
}
