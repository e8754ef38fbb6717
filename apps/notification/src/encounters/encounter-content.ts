import { ReferralType } from '@harbor/contracts';

/** A resource the supporter can offer: its kind is what the encounter records (never the label). */
export interface EncounterResource {
  kind: ReferralType;
  label: string;
  phone?: string;
  url?: string;
}

/** A program's conversation guide (short prompts, in order) and the resources its supporters offer. */
export interface EncounterContent {
  guide: string[];
  resources: EncounterResource[];
}

export const DEFAULT_PROGRAM_ID = 'default';

/**
 * What every program starts with (docs/notification.md, "The encounter page"): the common questions of a
 * peer conversation and the resources formal programs offer. Program staff replace them per program.
 */
export const DEFAULT_ENCOUNTER_CONTENT: EncounterContent = Object.freeze({
  guide: [
    'Introduce yourself as a trained peer supporter, not as part of any review.',
    'Ask what is bothering them most right now.',
    'Ask how they are coping: sleep, eating, concentration.',
    'Ask who is in their support network, at work and at home.',
    'Ask whether they need time off, and say it is all right to take it.',
    'Offer the resources below and agree when you will check in again.',
  ],
  resources: [
    { kind: 'eap-therapy', label: 'Employee assistance program (confidential counselling)' },
    { kind: 'legal', label: 'Legal advice about a claim (risk management)' },
    { kind: 'disclosure-coaching', label: 'Disclosure and apology coaching' },
    { kind: 'chaplaincy', label: 'Chaplaincy and spiritual care' },
    { kind: 'external-line', label: 'Physician Support Line (free, confidential)', phone: '+1 888 409 0141', url: 'https://www.physiciansupportline.com' },
  ],
}) as EncounterContent;

/** Limits on what staff may store (also the DTO's); small enough for a phone screen. */
export const ENCOUNTER_LIMITS = { prompts: 12, promptLength: 200, resources: 12, labelLength: 120, urlLength: 300 } as const;

/**
 * Text staff may put on the page: printable, one line, no angle brackets (the page escapes everything anyway;
 * this keeps markup, control and bidirectional-override characters out of what supporters read).
 */
export const SAFE_TEXT = /^[^\p{Cc}\p{Cf}<>]+$/u;
