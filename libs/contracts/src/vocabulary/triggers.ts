/** What kind of trigger asked for outreach. */
export const TRIGGER_KINDS = ['incident', 'lawsuit', 'referral'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

/** Incident categories Harbor distinguishes; hospital taxonomies are mapped onto these at intake. */
export const INCIDENT_CATEGORIES = [
  'medication-error',
  'unexpected-death',
  'fall-with-harm',
  'wrong-site-procedure',
  'staff-assault',
  'diagnostic-error',
  'procedural-complication',
  'other',
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

/** Harm to the patient (or staff member), coarse enough to never describe the event itself. */
export const HARM_LEVELS = ['none', 'mild', 'moderate', 'severe', 'death'] as const;
export type HarmLevel = (typeof HARM_LEVELS)[number];

/** Categories of a legal trigger. */
export const LAWSUIT_KINDS = ['lawsuit', 'notice-of-intent', 'deposition', 'board-complaint'] as const;

/** All categories a support request may carry (incident categories and legal kinds). */
export const TRIGGER_CATEGORIES = [...INCIDENT_CATEGORIES, ...LAWSUIT_KINDS, 'self-referral', 'colleague-referral'] as const;
export type TriggerCategory = (typeof TRIGGER_CATEGORIES)[number];
