import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HarmLevel, IdentifierV1, identifierKey, ProfessionGroup, SupportRequested, TriggerCategory, TriggerKind } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { IntakeEnv } from '../intake.env';
import { triggerPolicyFrom } from './intake-policy';
import { NormalizedTrigger } from './normalized-trigger';
import { ClinicianDecision, decideClinicianOutreach, decideTriggerOutreach, TriggerDecision, TriggerPolicy } from './outreach-policy';

/** Decisions about the trigger as a whole, which a later update of the same trigger may reverse. */
const TRIGGER_LEVEL = new Set<ClinicianDecision>(['below-harm-threshold', 'category-excluded', 'kind-excluded', 'withdrawn']);

export interface RecordTriggerResult {
  triggerId: string;
  decision: TriggerDecision;
  /** Support requests this call created; empty when the trigger was already known in full. */
  requestIds: string[];
  /** Triage items this call opened for people without an identifier. */
  triageIds: string[];
  /** Each clinician newly recorded by this call, with what was decided for them. */
  clinicians: { identifier: IdentifierV1; decision: ClinicianDecision }[];
}

/** A trigger's stored facts, enough to request support for a clinician assigned later from triage. */
export interface StoredTrigger {
  id: string;
  kind: TriggerKind;
  category: TriggerCategory;
  harmLevel: HarmLevel | null;
  withdrawn: boolean;
  facility: string;
  department: string | null;
  occurredAt: string;
}

/**
 * Records any trigger once per (kind, source, source event id) and turns it into support requests.
 * A re-sent or updated trigger adds only the clinicians not seen before, so the same report never pages
 * twice; people without an identifier go to the triage queue (only when the trigger calls for outreach).
 */
@Injectable()
export class RecordTrigger {
  private readonly policy: TriggerPolicy;

  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(SERVICE_ENV) private readonly env: IntakeEnv,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    this.policy = triggerPolicyFrom(env);
  }

  /** For HTTP routes: the same recording as a consumed event, in a transaction of its own. */
  async executeInOwnTransaction(trigger: NormalizedTrigger, options: { selfReferral?: boolean } = {}): Promise<RecordTriggerResult> {
    return this.dataSource.transaction((manager) => this.execute(manager, trigger, options));
  }

  async execute(manager: EntityManager, trigger: NormalizedTrigger, options: { selfReferral?: boolean } = {}): Promise<RecordTriggerResult> {
    const stored = await this.upsertTrigger(manager, trigger);
    const decision = decideTriggerOutreach(stored, this.policy);
    const result: RecordTriggerResult = { triggerId: stored.id, decision, requestIds: [], triageIds: [], clinicians: [] };
    for (const clinician of trigger.clinicians) {
      const outcome = await this.recordClinician(manager, stored, decision, clinician, options.selfReferral ?? false);
      if (!outcome) continue;
      result.clinicians.push({ identifier: clinician.identifier, decision: outcome.decision });
      if (outcome.requestId) result.requestIds.push(outcome.requestId);
    }
    if (decision === 'outreach') {
      for (const person of trigger.unidentified) {
        const id = randomUUID();
        const dedupeKey = createHash('sha256').update(`${stored.id}|${person.reason}|${person.hint ?? ''}`).digest('hex');
        const inserted: unknown[] = await manager.query(
          `INSERT INTO "intake"."triage_items" ("id", "trigger_id", "reason", "dedupe_key", "display_text")
           VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1`,
          [id, stored.id, person.reason, dedupeKey, person.hint ?? null],
        );
        if (inserted.length > 0) result.triageIds.push(id);
      }
    } else if (decision === 'withdrawn') {
      await manager.query(
        `UPDATE "intake"."triage_items" SET "status" = 'dismissed', "display_text" = NULL, "resolved_at" = now()
         WHERE "trigger_id" = $1 AND "status" = 'open'`,
        [stored.id],
      );
    }
    return result;
  }

  /**
   * Records one clinician for a stored trigger and emits the support request the policy calls for.
   * Returns undefined when the clinician was already recorded for this trigger.
   */
  async recordClinician(
    manager: EntityManager,
    trigger: StoredTrigger,
    triggerDecision: TriggerDecision,
    clinician: { identifier: IdentifierV1; profession?: ProfessionGroup },
    selfReferral: boolean,
  ): Promise<{ decision: ClinicianDecision; requestId: string | null } | undefined> {
    const { identifier } = clinician;
    // One clinician's triggers are decided one at a time, so two at once cannot both escape the cooldown.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`intake:clinician:${identifierKey(identifier)}`]);
    const [known]: { decision: ClinicianDecision; request_id: string | null }[] = await manager.query(
      `SELECT "decision", "request_id" FROM "intake"."trigger_clinicians"
       WHERE "trigger_id" = $1 AND "identifier_system" = $2 AND "identifier_value" = $3`,
      [trigger.id, identifier.system, identifier.value],
    );
    // Already recorded: nothing more, unless an update turned a trigger that did not call for outreach (a near
    // miss that turned out to harm, a category now in scope) into one that does. Never a second request.
    if (known && !(triggerDecision === 'outreach' && known.request_id === null && TRIGGER_LEVEL.has(known.decision))) return undefined;
    const decision =
      triggerDecision === 'outreach'
        ? decideClinicianOutreach(triggerDecision, { profession: clinician.profession, selfReferral, ...(await this.clinicianFacts(manager, identifier)) }, this.policy)
        : triggerDecision;
    const requestId = decision === 'outreach' ? randomUUID() : null;
    await manager.query(
      `INSERT INTO "intake"."trigger_clinicians" ("trigger_id", "identifier_system", "identifier_value", "decision", "request_id")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("trigger_id", "identifier_system", "identifier_value") DO UPDATE SET "decision" = EXCLUDED."decision", "request_id" = EXCLUDED."request_id", "created_at" = now()`,
      [trigger.id, identifier.system, identifier.value, decision, requestId],
    );
    if (requestId) {
      await this.outbox.enqueue(manager, SupportRequested, {
        requestId,
        clinician: { system: identifier.system, value: identifier.value },
        trigger: { kind: trigger.kind, category: trigger.category, harmLevel: trigger.harmLevel ?? undefined, occurredAt: trigger.occurredAt },
        facility: trigger.facility,
        department: trigger.department ?? undefined,
        requestedAt: new Date().toISOString(),
        // Opaque and shared by every clinician of this trigger, so matching never pairs two people of one event.
        eventKey: trigger.id,
      });
    }
    return { decision, requestId };
  }

  private async clinicianFacts(manager: EntityManager, identifier: IdentifierV1) {
    const [row] = await manager.query(
      `SELECT
         EXISTS (SELECT 1 FROM "intake"."opt_outs" WHERE "identifier_system" = $1 AND "identifier_value" = $2) AS "optedOut",
         EXISTS (SELECT 1 FROM "intake"."trigger_clinicians"
                 WHERE "identifier_system" = $1 AND "identifier_value" = $2 AND "request_id" IS NOT NULL
                   AND "created_at" > now() - make_interval(hours => $3::int)) AS "recentlyRequested"`,
      [identifier.system, identifier.value, this.env.INTAKE_COOLDOWN_HOURS],
    );
    return { optedOut: row.optedOut as boolean, recentlyRequested: row.recentlyRequested as boolean };
  }

  private async upsertTrigger(manager: EntityManager, trigger: NormalizedTrigger): Promise<StoredTrigger> {
    // A re-sent event updates what it says about itself (an update may raise the harm or withdraw it);
    // its clinicians are added, never removed.
    const [row] = await manager.query(
      `INSERT INTO "intake"."triggers"
         ("id", "kind", "source", "source_event_id", "category", "harm_level", "withdrawn", "facility", "department", "occurred_at", "reported_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT ("kind", "source", "source_event_id") DO UPDATE SET
         "category" = EXCLUDED."category", "harm_level" = EXCLUDED."harm_level", "withdrawn" = EXCLUDED."withdrawn",
         "facility" = EXCLUDED."facility", "department" = EXCLUDED."department", "reported_at" = EXCLUDED."reported_at"
       RETURNING "id", "kind", "category", "harm_level" AS "harmLevel", "withdrawn", "facility", "department", "occurred_at" AS "occurredAt"`,
      [randomUUID(), trigger.kind, trigger.source, trigger.sourceEventId, trigger.category, trigger.harmLevel ?? null, trigger.withdrawn ?? false,
        trigger.facility, trigger.department ?? null, trigger.occurredAt, trigger.reportedAt],
    );
    return { ...row, occurredAt: new Date(row.occurredAt).toISOString() };
  }
}
