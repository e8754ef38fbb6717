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
    const update = (assignments: string, values: unknown[]) =>
      manager.query(`UPDATE "reporting"."case_facts" SET ${assignments} WHERE "case_key" = $1`, [key, ...values]);

    const column = HOUR_COLUMN[change.status];
    if (column) await update(`"${column}" = COALESCE("${column}", $2)`, [hour]);
    switch (change.status) {
      case 'requested':
        // The request marks when Harbor learned of the event: it anchors the case's period.
        await update(`"minutes_to_request" = COALESCE("minutes_to_request", $2), "opened_hour" = LEAST("opened_hour", $3)`, [minutesSinceEvent, hour]);
        break;
      case 'offered':
        await update(
          `"offers" = "offers" + 1, "first_offer_hour" = COALESCE("first_offer_hour", $2),
           "minutes_to_first_offer" = COALESCE("minutes_to_first_offer", $3), "minutes_to_last_offer" = $3`,
          [hour, minutesSinceEvent],
        );
        break;
      case 'accepted':
        await update(
          `"minutes_to_accept" = COALESCE("minutes_to_accept", $2),
           "minutes_offer_to_accept" = COALESCE("minutes_offer_to_accept", GREATEST(0, $2 - "minutes_to_last_offer"))`,
          [minutesSinceEvent],
        );
        break;
      case 'contacted':
        await this.markReached(update, minutesSinceEvent);
        break;
      case 'declined-by-clinician':
        await this.markReached(update, minutesSinceEvent);
        await update(`"clinician_declined" = true`, []);
        break;
      case 'follow-up':
        await update(`"follow_ups_completed" = GREATEST("follow_ups_completed", $2)`, [change.followUpSequence ?? 1]);
        break;
      case 'escalated':
        await update(`"escalation_reason" = COALESCE("escalation_reason", $2), "fallback_offered" = "fallback_offered" OR $3`, [
          change.escalationReason ?? null,
          Boolean(change.fallbackResource),
        ]);
        break;
      default:
        break;
    }
    if (change.supporterId && CARRYING_STATUSES.has(change.status)) {
      const supporter = supporterKey(this.env.REPORTING_HASH_KEY, change.supporterId);
      // The accepting supporter carries the case; later statuses only fill it in when acceptance was missed.
      await update(change.status === 'accepted' ? `"supporter_key" = $2` : `"supporter_key" = COALESCE("supporter_key", $2)`, [supporter]);
    }
    const outcome = change.outcome;
    if (outcome) {
      if (outcome.contactMade) await this.markReached(update, minutesSinceEvent);
      if (outcome.supportDeclined) await update(`"clinician_declined" = true`, []);
      if (outcome.referrals?.length) {
        await update(`"referrals" = ARRAY(SELECT DISTINCT unnest("referrals" || $2::text[]) ORDER BY 1)`, [outcome.referrals]);
      }
    }
    this.recorded.inc();
  }

  private async markReached(update: (assignments: string, values: unknown[]) => Promise<unknown>, minutesSinceEvent: number) {
    await update(
      `"reached" = true, "minutes_to_contact" = COALESCE("minutes_to_contact", $2)`,
      [minutesSinceEvent],
    );
  }
}
