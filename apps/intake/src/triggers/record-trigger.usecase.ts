import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IdentifierV1, ProfessionGroup, SupportRequested } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { NormalizedTrigger } from './normalized-trigger';
import { TriageStore } from '../triage/triage-store';
import { ClinicianDecision, decideClinicianOutreach, decideTriggerOutreach, ProgramTriggerPolicy, TriggerDecision } from './outreach-policy';
import { TriggerPolicyStore } from './trigger-policy-store';
import { StoredTrigger, TriggerStore } from './trigger-store';

export type { StoredTrigger } from './trigger-store';

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

/**
 * Records any trigger once per (kind, source, source event id) and turns it into support requests.
 * A re-sent or updated trigger adds only the clinicians not seen before, so the same report never pages
 * twice; people without an identifier go to the triage queue (only when the trigger calls for outreach).
 */
@Injectable()
export class RecordTrigger {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: TriggerPolicyStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly triggers: TriggerStore,
    private readonly triage: TriageStore,
  ) {}

  /** For HTTP routes: the same recording as a consumed event, in a transaction of its own. */
  async executeInOwnTransaction(trigger: NormalizedTrigger, options: { selfReferral?: boolean } = {}): Promise<RecordTriggerResult> {
    return this.dataSource.transaction((manager) => this.execute(manager, trigger, options));
  }

  async execute(manager: EntityManager, trigger: NormalizedTrigger, options: { selfReferral?: boolean } = {}): Promise<RecordTriggerResult> {
    const stored = await this.triggers.upsert(manager, trigger);
    // Read in this transaction, so every replica decides by the policy in force now (docs/intake.md).
    const policy = await this.policies.effective(manager);
    const decision = decideTriggerOutreach(stored, policy);
    const result: RecordTriggerResult = { triggerId: stored.id, decision, requestIds: [], triageIds: [], clinicians: [] };
    // An update of a trigger whose people were already forgotten (retention) asks nobody again.
    if (stored.cliniciansPurged) return result;
    for (const clinician of trigger.clinicians) {
      const outcome = await this.recordClinician(manager, stored, decision, clinician, options.selfReferral ?? false, policy);
      if (!outcome) continue;
      result.clinicians.push({ identifier: clinician.identifier, decision: outcome.decision });
      if (outcome.requestId) result.requestIds.push(outcome.requestId);
    }
    if (decision === 'outreach') {
      for (const person of trigger.unidentified) {
        const id = randomUUID();
        // Identifiers join the key only when there are any, so items opened before they were kept dedupe as before.
        const identifiers = person.identifiers?.length ? person.identifiers : null;
        const dedupeKey = createHash('sha256').update(`${stored.id}|${person.reason}|${person.hint ?? ''}${identifiers ? `|${JSON.stringify(identifiers)}` : ''}`).digest('hex');
        if (await this.triage.open(manager, { id, triggerId: stored.id, reason: person.reason, dedupeKey, displayText: person.hint ?? null, identifiers })) result.triageIds.push(id);
      }
    } else if (decision === 'withdrawn') {
      await this.triage.dismissOpenOf(manager, stored.id);
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
    policy: ProgramTriggerPolicy,
  ): Promise<{ decision: ClinicianDecision; requestId: string | null } | undefined> {
    const { identifier } = clinician;
    await this.triggers.lockClinician(manager, identifier);
    // Read after the lock (a statement of its own, so it sees what the lock waited for): the cooldown is decided on
    // what every earlier trigger for this clinician committed. The opt-out registry is read in the same statement.
    const { known, recentlyRequested, optedOut } = await this.triggers.clinicianStanding(manager, trigger.id, identifier, policy.cooldownHours);
    // Already recorded: nothing more, unless an update turned a trigger that did not call for outreach (a near
    // miss that turned out to harm, a category now in scope) into one that does. Never a second request.
    if (known && !(triggerDecision === 'outreach' && known.requestId === null && TRIGGER_LEVEL.has(known.decision))) return undefined;
    let decision: ClinicianDecision = triggerDecision;
    if (triggerDecision === 'outreach') {
      decision = decideClinicianOutreach(triggerDecision, { profession: clinician.profession, selfReferral, optedOut, recentlyRequested }, policy);
    }
    const requestId = decision === 'outreach' ? randomUUID() : null;
    await this.triggers.saveClinician(manager, trigger.id, identifier, { decision, requestId });
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
}
