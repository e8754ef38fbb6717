import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseLifecycleV1 } from '@harbor/contracts';
import { ServiceMetrics } from '@harbor/observability';
import { PseudonymKey } from '../reporting.settings';
import { caseKey, supporterKey, truncateToHour } from './case-key';
import { CaseFactStore, FactUpdate } from './case-fact-store';
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
    private readonly key: PseudonymKey,
    metrics: ServiceMetrics,
    private readonly facts: CaseFactStore,
  ) {
    this.recorded = factsRecordedCounter(metrics);
  }

  async execute(manager: EntityManager, change: CaseLifecycleV1): Promise<void> {
    const key = caseKey(this.key.secret, change.caseId);
    const hour = truncateToHour(change.at);
    const minutesSinceEvent = Math.max(0, Math.round((new Date(change.at).getTime() - new Date(change.trigger.occurredAt).getTime()) / 60_000));
    // The event's assignments join the upsert's (one statement when the case's row exists; a new row gets them
    // in an UPDATE after its INSERT). Every right-hand side reads the row as it was before the event, and
    // names its columns with the table ("case_facts"."x": in ON CONFLICT … DO UPDATE a bare name is ambiguous
    // with EXCLUDED). No expression reads a column that another assignment of the same event sets
    // (minutes_offer_to_accept reads minutes_to_last_offer, which only `offered` sets), so the result is what
    // one statement per assignment would give.
    const update = new FactUpdate();

    const column = HOUR_COLUMN[change.status];
    if (column) update.set(column, `COALESCE("case_facts"."${column}", $1)`, hour);
    switch (change.status) {
      case 'requested':
        // The request marks when Harbor learned of the event: it anchors the case's period.
        update.set('minutes_to_request', `COALESCE("case_facts"."minutes_to_request", $1)`, minutesSinceEvent);
        update.set('opened_hour', `LEAST("case_facts"."opened_hour", $1)`, hour);
        break;
      case 'offered':
        update.set('offers', `"case_facts"."offers" + 1`);
        update.set('first_offer_hour', `COALESCE("case_facts"."first_offer_hour", $1)`, hour);
        update.set('minutes_to_first_offer', `COALESCE("case_facts"."minutes_to_first_offer", $1)`, minutesSinceEvent);
        update.set('minutes_to_last_offer', `$1`, minutesSinceEvent);
        break;
      case 'accepted':
        update.set('minutes_to_accept', `COALESCE("case_facts"."minutes_to_accept", $1)`, minutesSinceEvent);
        update.set('minutes_offer_to_accept', `COALESCE("case_facts"."minutes_offer_to_accept", GREATEST(0, $1 - "case_facts"."minutes_to_last_offer"))`, minutesSinceEvent);
        break;
      case 'contacted':
        markReached(update, minutesSinceEvent);
        break;
      case 'declined-by-clinician':
        markReached(update, minutesSinceEvent);
        update.set('clinician_declined', `true`);
        break;
      case 'follow-up':
        update.set('follow_ups_completed', `GREATEST("case_facts"."follow_ups_completed", $1)`, change.followUpSequence ?? 1);
        break;
      case 'escalated':
        update.set('escalation_reason', `COALESCE("case_facts"."escalation_reason", $1)`, change.escalationReason ?? null);
        update.set('fallback_offered', `"case_facts"."fallback_offered" OR $1`, Boolean(change.fallbackResource));
        break;
      default:
        break;
    }
    if (change.supporterId && CARRYING_STATUSES.has(change.status)) {
      const supporter = supporterKey(this.key.secret, change.supporterId);
      // The accepting supporter carries the case; later statuses only fill it in when acceptance was missed.
      update.set('supporter_key', change.status === 'accepted' ? `$1` : `COALESCE("case_facts"."supporter_key", $1)`, supporter);
    }
    const outcome = change.outcome;
    if (outcome) {
      // A `contacted` or `declined-by-clinician` event usually says the same again here: identical
      // assignments are kept once.
      if (outcome.contactMade) markReached(update, minutesSinceEvent);
      if (outcome.supportDeclined) update.set('clinician_declined', `true`);
      if (outcome.referrals?.length) {
        update.set('referrals', `ARRAY(SELECT DISTINCT unnest("case_facts"."referrals" || $1::text[]) ORDER BY 1)`, outcome.referrals);
      }
    }
    await this.facts.record(manager, key, {
      triggerKind: change.trigger.kind, category: change.trigger.category, harmLevel: change.trigger.harmLevel ?? null, facility: change.facility,
      department: change.department ?? null, professionGroup: change.professionGroup ?? null, status: change.status, openedHour: hour,
    }, update);
    this.recorded.inc();
  }
}

function markReached(update: FactUpdate, minutesSinceEvent: number): void {
  update.set('reached', `true`);
  update.set('minutes_to_contact', `COALESCE("case_facts"."minutes_to_contact", $1)`, minutesSinceEvent);
}
