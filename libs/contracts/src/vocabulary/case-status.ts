/** A support case's lifecycle, as reporting sees it. */
export const CASE_STATUSES = [
  'requested',
  'unresolved',
  'offered',
  'accepted',
  'contacted',
  'declined-by-clinician',
  'escalated',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PROFESSION_GROUPS = ['physician', 'nursing', 'pharmacy', 'allied-health', 'other'] as const;
export type ProfessionGroup = (typeof PROFESSION_GROUPS)[number];
