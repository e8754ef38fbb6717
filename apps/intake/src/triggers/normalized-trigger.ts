import { HarmLevel, IdentifierV1, ProfessionGroup, TriggerCategory, TriggerKind } from '@harbor/contracts';

/** A clinician a trigger names, with an identifier the clinician directory may know. */
export interface NamedClinician {
  identifier: IdentifierV1;
  /** The clinician's part in the event as the source names it; never stored beyond the request. */
  role?: string;
  profession?: ProfessionGroup;
}

/** Why a person in a trigger could not be turned into an identifier; program staff resolve these. */
export const TRIAGE_REASONS = ['display-only', 'unresolvable-reference', 'no-clinician-named'] as const;
export type TriageReason = (typeof TRIAGE_REASONS)[number];

export interface UnidentifiedPerson {
  reason: TriageReason;
  /**
   * What the source gave instead of an identifier (a display text such as "Dr Adam Careful" or a
   * reference such as "PractitionerRole/7"), kept only until staff resolve the triage item.
   */
  hint?: string;
  /**
   * Identifiers the source gave for this person that could not name them (e.g. a value without a system), kept
   * as given only until staff resolve the triage item. Never a patient's: only clinicians' references keep them.
   */
  identifiers?: SourceIdentifier[];
}

/** An identifier as a source gave it, the system possibly missing. */
export interface SourceIdentifier {
  system: string | null;
  value: string;
}

/**
 * What every source (native incident, FHIR AdverseEvent, claim notice, referral) is reduced to before
 * policy runs. It holds only what Harbor may keep: ids, category, harm, times and place.
 */
export interface NormalizedTrigger {
  kind: TriggerKind;
  source: string;
  sourceEventId: string;
  category: TriggerCategory;
  harmLevel?: HarmLevel;
  /** A FHIR resource marked entered-in-error withdraws the event: recorded, never acted on. */
  withdrawn?: boolean;
  facility: string;
  department?: string;
  occurredAt: string;
  reportedAt: string;
  clinicians: NamedClinician[];
  unidentified: UnidentifiedPerson[];
}
