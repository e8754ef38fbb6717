import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseLifecycleV1 } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { ReportingEnv } from '../reporting.env';
import { caseKey, truncateToHour } from './case-key';

const HOUR_COLUMN: Partial<Record<CaseLifecycleV1['status'], string>> = {
  requested: 'requested_hour',
  accepted: 'accepted_hour',
  escalated: 'escalated_hour',
  closed: 'closed_hour',
};

/** Folds one lifecycle event into the case's pseudonymous fact row. */
@Injectable()
export class RecordCaseFact {
  constructor(@Inject(SERVICE_ENV) private readonly env: ReportingEnv) {}

  async execute(manager: EntityManager, change: CaseLifecycleV1): Promise<void> {
    const key = caseKey(this.env.REPORTING_HASH_KEY, change.caseId);
    await manager.query(
      `INSERT INTO "reporting"."case_facts" ("case_key", "trigger_kind", "category", "harm_level", "facility", "profession_group", "status")
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT ("case_key") DO UPDATE SET "status" = $7, "profession_group" = COALESCE($6, "case_facts"."profession_group")`,
      [key, change.trigger.kind, change.trigger.category, change.trigger.harmLevel ?? null, change.facility, change.professionGroup ?? null, change.status],
    );
    const hour = truncateToHour(change.at);
    const minutesSinceEvent = Math.max(0, Math.round((new Date(change.at).getTime() - new Date(change.trigger.occurredAt).getTime()) / 60_000));
    const column = HOUR_COLUMN[change.status];
    if (column) {
      await manager.query(`UPDATE "reporting"."case_facts" SET "${column}" = COALESCE("${column}", $2) WHERE "case_key" = $1`, [key, hour]);
    }
    if (change.status === 'offered') {
      await manager.query(
        `UPDATE "reporting"."case_facts" SET "offers" = "offers" + 1, "first_offer_hour" = COALESCE("first_offer_hour", $2),
           "minutes_to_first_offer" = COALESCE("minutes_to_first_offer", $3) WHERE "case_key" = $1`,
        [key, hour, minutesSinceEvent],
      );
    }
    if (change.status === 'accepted') {
      await manager.query(`UPDATE "reporting"."case_facts" SET "minutes_to_accept" = COALESCE("minutes_to_accept", $2) WHERE "case_key" = $1`, [
        key,
        minutesSinceEvent,
      ]);
    }
  }
}
