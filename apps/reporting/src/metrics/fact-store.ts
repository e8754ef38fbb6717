import { DataSource, EntityManager } from 'typeorm';
import { CaseFact } from './case-fact';

interface FactRow {
  trigger_kind: string;
  category: string;
  harm_level: string | null;
  facility: string;
  department: string | null;
  profession_group: string | null;
  opened_hour: Date;
  offers: number;
  accepted_hour: Date | null;
  reached: boolean;
  clinician_declined: boolean;
  referrals: string[];
  follow_ups_completed: number;
  escalated_hour: Date | null;
  escalation_reason: string | null;
  fallback_offered: boolean;
  supporter_key: string | null;
  minutes_to_first_offer: number | null;
  minutes_offer_to_accept: number | null;
  minutes_to_request: number | null;
  minutes_to_contact: number | null;
}

/** Facts of whole calendar years (a year's release granularity is chosen from all of its cases). */
export async function loadFacts(db: DataSource | EntityManager, fromYear: number, toYear: number): Promise<CaseFact[]> {
  const rows: FactRow[] = await db.query(
    `SELECT "trigger_kind", "category", "harm_level", "facility", "department", "profession_group", "opened_hour", "offers", "accepted_hour",
            "reached", "clinician_declined", "referrals", "follow_ups_completed", "escalated_hour", "escalation_reason", "fallback_offered",
            "supporter_key", "minutes_to_first_offer", "minutes_offer_to_accept", "minutes_to_request", "minutes_to_contact"
       FROM "reporting"."case_facts" WHERE "opened_hour" >= $1 AND "opened_hour" < $2`,
    [new Date(Date.UTC(fromYear, 0, 1)), new Date(Date.UTC(toYear + 1, 0, 1))],
  );
  return rows.map(toFact);
}

export function toFact(row: FactRow): CaseFact {
  return {
    triggerKind: row.trigger_kind,
    category: row.category,
    harmLevel: row.harm_level,
    facility: row.facility,
    department: row.department,
    professionGroup: row.profession_group,
    openedHour: new Date(row.opened_hour),
    offers: row.offers,
    supporterAccepted: row.accepted_hour !== null,
    reached: row.reached,
    clinicianDeclined: row.clinician_declined,
    referrals: row.referrals ?? [],
    followUpsCompleted: row.follow_ups_completed,
    escalated: row.escalated_hour !== null,
    escalationReason: row.escalation_reason,
    fallbackOffered: row.fallback_offered,
    supporterKey: row.supporter_key,
    minutesEventToFirstPage: row.minutes_to_first_offer,
    minutesOfferToAccept: row.minutes_offer_to_accept,
    minutesToFirstContact:
      row.minutes_to_contact === null ? null : Math.max(0, row.minutes_to_contact - (row.minutes_to_request ?? 0)),
  };
}
