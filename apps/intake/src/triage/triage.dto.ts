/** An identifier as the source gave it for a person in a triage item (the system may be missing). */
export class TriageIdentifierDto {
  /** The identifier's namespace, e.g. `http://hl7.org/fhir/sid/us-npi`; null when the source gave none. */
  system: string | null;

  value: string;
}

/** One open triage item: why it is there, what the source said about the person, and the trigger's coarse facts. */
export class TriageItemDto {
  id: string;

  triggerId: string;

  /** `display-only`, `unresolvable-reference` or `no-clinician-named`. */
  reason: string;

  /** What the source gave instead of an identifier (a display text or a reference); gone once the item is resolved. */
  displayText: string | null;

  /**
   * The identifiers the source gave for the person that could not name a clinician, as given (only the people
   * the trigger names as staff, never a patient's); empty when there were none; gone once the item is resolved.
   */
  identifiers: TriageIdentifierDto[];

  kind: string;

  category: string;

  harmLevel: string | null;

  facility: string;

  department: string | null;

  occurredAt: string;

  createdAt: string;
}

export class TriageListDto {
  items: TriageItemDto[];
}
