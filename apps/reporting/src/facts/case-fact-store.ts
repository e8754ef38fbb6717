import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { CaseFact } from '../metrics/case-fact';

/** The columns a case's first event sets; every later event goes through a {@link FactUpdate}. */
export type NewFact = Pick<CaseFact, 'triggerKind' | 'category' | 'harmLevel' | 'facility' | 'department' | 'professionGroup' | 'openedHour'> & {
  status: string;
};

/**
 * The one owner of `"reporting"."case_facts"`: every statement on the table is here, and rows become
 * {@link CaseFact}s at this edge. A schema change to the facts touches this file.
 */
@Injectable()
export class CaseFactStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Creates the case's row, or records its newest status (filling in what the first event may have lacked) with
   * the event's other assignments in the same statement. A row this statement created gets the assignments in a
   * second one: ON CONFLICT's assignments apply only to a row that was already there.
   */
  async record(manager: EntityManager, key: string, fact: NewFact, update: FactUpdate): Promise<void> {
    const parameters: unknown[] = [key, fact.triggerKind, fact.category, fact.harmLevel, fact.facility, fact.department, fact.professionGroup, fact.status, fact.openedHour];
    const sets = [`"status" = $8`, `"profession_group" = COALESCE($7, "case_facts"."profession_group")`, `"department" = COALESCE("case_facts"."department", $6)`, ...update.assignments(parameters)];
    // xmax is 0 on a row version this statement inserted, and this transaction's id on one ON CONFLICT updated.
    const [{ inserted }]: { inserted: boolean }[] = await manager.query(
      `INSERT INTO "reporting"."case_facts" ("case_key", "trigger_kind", "category", "harm_level", "facility", "department", "profession_group", "status", "opened_hour")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("case_key") DO UPDATE SET ${sets.join(', ')}
       RETURNING ("xmax" = 0) AS "inserted"`,
      parameters,
    );
    const statement = inserted ? update.statement(key) : null;
    if (statement) await manager.query(statement.sql, statement.parameters);
  }

  /** Facts of whole calendar years (a year's release granularity is chosen from all of its cases). */
  async loadYears(manager: EntityManager, fromYear: number, toYear: number): Promise<CaseFact[]> {
    const rows: FactRow[] = await manager.query(
      `SELECT "trigger_kind", "category", "harm_level", "facility", "department", "profession_group", "opened_hour", "offers", "accepted_hour",
              "reached", "clinician_declined", "referrals", "follow_ups_completed", "escalated_hour", "escalation_reason", "fallback_offered",
              "supporter_key", "minutes_to_first_offer", "minutes_offer_to_accept", "minutes_to_request", "minutes_to_contact"
         FROM "reporting"."case_facts" WHERE "opened_hour" >= $1 AND "opened_hour" < $2`,
      [new Date(Date.UTC(fromYear, 0, 1)), new Date(Date.UTC(toYear + 1, 0, 1))],
    );
    return rows.map(toFact);
  }

  /** Per supporter key: cases accepted and colleagues reached, in one year or all years kept. */
  async countsBySupporter(keys: string[], year: number | null): Promise<Map<string, { reached: number; accepted: number }>> {
    const rows: { supporter_key: string; reached: number; accepted: number }[] = await this.dataSource.query(
      `SELECT "supporter_key", count(*) FILTER (WHERE "reached")::int AS "reached", count(*)::int AS "accepted"
         FROM "reporting"."case_facts"
        WHERE "supporter_key" = ANY($1) AND ($2::int IS NULL OR date_part('year', "opened_hour" AT TIME ZONE 'UTC') = $2)
        GROUP BY "supporter_key"`,
      [keys, year],
    );
    return new Map(rows.map((row) => [row.supporter_key, { reached: row.reached, accepted: row.accepted }]));
  }
}

/**
 * An event's assignments to its case's row, keyed by column, for the upsert's ON CONFLICT (or the UPDATE after a
 * new row's INSERT). Each expression numbers its own placeholders from $1 and names columns with the table
 * ("case_facts"."x"); placeholders are renumbered after the statement's own. Setting a
 * column again to the same expression and values is a no-op (Postgres rejects a column assigned twice);
 * setting it to anything else is a bug in the caller.
 */
export class FactUpdate {
  private readonly assigned = new Map<string, { expression: string; values: unknown[] }>();

  set(column: string, expression: string, ...values: unknown[]): void {
    const existing = this.assigned.get(column);
    if (existing) {
      if (existing.expression === expression && JSON.stringify(existing.values) === JSON.stringify(values)) return;
      throw new Error(`conflicting assignments to case_facts.${column} in one event`);
    }
    this.assigned.set(column, { expression, values });
  }

  /** The UPDATE statement and its parameters, or null when the event sets nothing beyond the upsert. */
  statement(key: string): { sql: string; parameters: unknown[] } | null {
    if (this.assigned.size === 0) return null;
    const parameters: unknown[] = [key];
    const sets = this.assignments(parameters);
    return { sql: `UPDATE "reporting"."case_facts" SET ${sets.join(', ')} WHERE "case_key" = $1`, parameters };
  }

  /** The assignments as `"column" = expression`, their values appended to `parameters` and numbered after those already there. */
  assignments(parameters: unknown[]): string[] {
    return [...this.assigned].map(([column, { expression, values }]) => {
      const offset = parameters.length;
      parameters.push(...values);
      return `"${column}" = ${expression.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)}`;
    });
  }
}

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

function toFact(row: FactRow): CaseFact {
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
