/** A support case's lifecycle, as reporting sees it. */
export const CASE_STATUSES = [
  'requested',
  'unresolved',
  'offered',
  'accepted',
  'contacted',
  'follow-up',
  'declined-by-clinician',
  'escalated',
  'closed',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export const PROFESSION_GROUPS = ['physician', 'nursing', 'pharmacy', 'allied-health', 'other'] as const;
export type ProfessionGroup = (typeof PROFESSION_GROUPS)[number];

/**
 * Structured outcomes a supporter records; there are no free-text notes anywhere in Harbor. The list only
 * grows, at its end, within a contract version (`chaplaincy` was added in v1): deploy consumers before producers.
 */
export const REFERRAL_TYPES = ['eap-therapy', 'legal', 'disclosure-coaching', 'external-line', 'chaplaincy'] as const;
export type ReferralType = (typeof REFERRAL_TYPES)[number];

export const ESCALATION_REASONS = ['offer-limit', 'no-eligible-supporter', 'overall-deadline', 'undeliverable'] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];
