import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseLifecycleV1 } from '@harbor/contracts';
import { ServiceMetrics } from '@harbor/observability';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { ReportingEnv } from '../reporting.env';
import { caseKey, supporterKey, truncateToHour } from './case-key';
import { factsRecordedCounter } from './facts-metrics';

const HOUR_COLUMN: Partial<Record<CaseLifecycleV1['status'], string>> = {
  requested: 'requested_hour',
  accepted: 'accepted_hour',
  escalated: 'escalated_hour',
  closed: 'closed_hour',
};

/** Statuses after which the named supporter is the one who carries the case. */
const CARRYING_STATUSES = new Set<CaseLifecycleV1['status']>(['accepted', 'contacted', 'follow-up', 'declined-by-clinician']);

/**
 * Folds one lifecycle event into the case's pseudonymous fact row. Case and supporter ids are replaced
 * by keyed hashes before anything is written; times are truncated to the hour; durations are minutes.
 * Nothing else from the event is kept (no fallback resource name, no attempt numbers).
 */
@Injectable()
export class RecordCaseFact {
  private readonly recorded;

  constructor(
    @Inject(SERVICE_ENV) private readonly env: ReportingEnv,
    metrics: ServiceMetrics,
  ) {
    this.recorded = factsRecordedCounter(metrics);
  }

  async execute(manager: EntityManager, change: CaseLifecycleV1): Promise<void> {
    const key = caseKey(this.env.REPORTING_HASH_KEY, change.caseId);
    const hour = truncateToHour(change.at);
    await manager.query(
      `INSERT INTO "reporting"."case_facts" ("case_key", "trigger_kind", "category", "harm_level", "facility", "department", "profession_group", "status", "opened_hour")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT ("case_key") DO UPDATE SET "status" = $8, "profession_group" = COALESCE($7, "case_facts"."profession_group"),
         "department" = COALESCE("case_facts"."department", $6)`,
      [key, change.trigger.kind, change.trigger.category, change.trigger.harmLevel ?? null, change.facility, change.department ?? null, change.professionGroup ?? null, change.status, hour],
    );
    const minutesSinceEvent = Math.max(0, Math.round((new Date(change.at).getTime() - new Date(change.trigger.occurredAt).getTime()) / 60_000));
    // The rest is one UPDATE after the upsert: every right-hand side reads the row as the upsert left it. No
    // expression reads a column that another assignment of the same event sets (minutes_offer_to_accept
    // reads minutes_to_last_offer, which only `offered` sets), so the result is what one statement per
    // assignment would give.
    const update = new FactUpdate();

    const column = HOUR_COLUMN[change.status];
    if (column) update.set(column, `COALESCE("${column}", $1)`, hour);
    switch (change.status) {
      case 'requested':
        // The request marks when Harbor learned of the event: it anchors the case's period.
        update.set('minutes_to_request', `COALESCE("minutes_to_request", $1)`, minutesSinceEvent);
        update.set('opened_hour', `LEAST("opened_hour", $1)`, hour);
        break;
      case 'offered':
        update.set('offers', `"offers" + 1`);
        update.set('first_offer_hour', `COALESCE("first_offer_hour", $1)`, hour);
        update.set('minutes_to_first_offer', `COALESCE("minutes_to_first_offer", $1)`, minutesSinceEvent);
        update.set('minutes_to_last_offer', `$1`, minutesSinceEvent);
        break;
      case 'accepted':
        update.set('minutes_to_accept', `COALESCE("minutes_to_accept", $1)`, minutesSinceEvent);
        update.set('minutes_offer_to_accept', `COALESCE("minutes_offer_to_accept", GREATEST(0, $1 - "minutes_to_last_offer"))`, minutesSinceEvent);
        break;
      case 'contacted':
        markReached(update, minutesSinceEvent);
        break;
      case 'declined-by-clinician':
        markReached(update, minutesSinceEvent);
        update.set('clinician_declined', `true`);
        break;
      case 'follow-up':
        update.set('follow_ups_completed', `GREATEST("follow_ups_completed", $1)`, change.followUpSequence ?? 1);
        break;
      case 'escalated':
        update.set('escalation_reason', `COALESCE("escalation_reason", $1)`, change.escalationReason ?? null);
        update.set('fallback_offered', `"fallback_offered" OR $1`, Boolean(change.fallbackResource));
        break;
      default:
        break;
    }
    if (change.supporterId && CARRYING_STATUSES.has(change.status)) {
      const supporter = supporterKey(this.env.REPORTING_HASH_KEY, change.supporterId);
      // The accepting supporter carries the case; later statuses only fill it in when acceptance was missed.
      update.set('supporter_key', change.status === 'accepted' ? `$1` : `COALESCE("supporter_key", $1)`, supporter);
    }
    const outcome = change.outcome;
    if (outcome) {
      // A `contacted` or `declined-by-clinician` event usually says the same again here: identical
      // assignments are kept once.
      if (outcome.contactMade) markReached(update, minutesSinceEvent);
      if (outcome.supportDeclined) update.set('clinician_declined', `true`);
      if (outcome.referrals?.length) {
        update.set('referrals', `ARRAY(SELECT DISTINCT unnest("referrals" || $1::text[]) ORDER BY 1)`, outcome.referrals);
      }
    }
    await update.run(manager, key);
    this.recorded.inc();
  }
}

function markReached(update: FactUpdate, minutesSinceEvent: number): void {
  update.set('reached', `true`);
  update.set('minutes_to_contact', `COALESCE("minutes_to_contact", $1)`, minutesSinceEvent);
}

/**
 * The assignments of the single UPDATE that follows the upsert, keyed by column. Each expression numbers
 * its own placeholders from $1; they are renumbered after the case key ($1 of the statement). Setting a
 * column again to the same expression and values is a no-op (Postgres rejects a column assigned twice);
 * setting it to anything else is a bug in the caller.
 */
export class FactUpdate {
  private readonly assignments = new Map<string, { expression: string; values: unknown[] }>();

  set(column: string, expression: string, ...values: unknown[]): void {
    const existing = this.assignments.get(column);
    if (existing) {
      if (existing.expression === expression && JSON.stringify(existing.values) === JSON.stringify(values)) return;
      throw new Error(`conflicting assignments to case_facts.${column} in one event`);
    }
    this.assignments.set(column, { expression, values });
  }

  /** The UPDATE statement and its parameters, or null when the event sets nothing beyond the upsert. */
  statement(key: string): { sql: string; parameters: unknown[] } | null {
    if (this.assignments.size === 0) return null;
    const parameters: unknown[] = [key];
    const sets = [...this.assignments].map(([column, { expression, values }]) => {
      const offset = parameters.length;
      parameters.push(...values);
      return `"${column}" = ${expression.replace(/\$(\d+)/g, (_, n: string) => `$${offset + Number(n)}`)}`;
    });
    return { sql: `UPDATE "reporting"."case_facts" SET ${sets.join(', ')} WHERE "case_key" = $1`, parameters };
  }

  async run(manager: EntityManager, key: string): Promise<void> {
    const statement = this.statement(key);
    if (statement) await manager.query(statement.sql, statement.parameters);
  }
}
