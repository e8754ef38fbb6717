/** One pseudonymous case fact as the metrics read it (see the reporting.case_facts table). */
export interface CaseFact {
  triggerKind: string;
  category: string;
  harmLevel: string | null;
  facility: string;
  department: string | null;
  professionGroup: string | null;
  /** Hour Harbor learned of the case (the requested event, else the first event seen): the period anchor. */
  openedHour: Date;
  offers: number;
  supporterAccepted: boolean;
  /** The supporter reached the clinician (contact made, or the clinician declined when reached). */
  reached: boolean;
  clinicianDeclined: boolean;
  referrals: string[];
  followUpsCompleted: number;
  escalated: boolean;
  escalationReason: string | null;
  fallbackOffered: boolean;
  supporterKey: string | null;
  minutesEventToFirstPage: number | null;
  minutesOfferToAccept: number | null;
  /** From the support request (Harbor learning of the event) to first contact. */
  minutesToFirstContact: number | null;
}

/** The first-contact target the program measures against (RISE, Code Lavender, CANDOR: 30 minutes). */
export const CONTACT_TARGET_MINUTES = 30;
