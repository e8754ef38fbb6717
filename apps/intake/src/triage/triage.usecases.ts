import { Inject, Injectable, NotFoundException, ConflictException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { IdentifierV1, ProfessionGroup } from '@harbor/contracts';
import { ClinicianDecision, decideTriggerOutreach } from '../triggers/outreach-policy';
import { RecordTrigger } from '../triggers/record-trigger.usecase';
import { TriggerPolicyStore } from '../triggers/trigger-policy-store';
import { StoredTrigger } from '../triggers/trigger-store';
import { TriageItemView, TriageStore } from './triage-store';

export type { TriageItemView } from './triage-store';

/** The triage queue: people named by a trigger that nobody could identify automatically. */
@Injectable()
export class TriageQueue {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly recordTrigger: RecordTrigger,
    private readonly policies: TriggerPolicyStore,
    private readonly items: TriageStore,
  ) {}

  async listOpen(limit: number): Promise<TriageItemView[]> {
    return this.items.listOpen(limit);
  }

  /**
   * Staff name the clinician: the trigger's policy applies to them as to any named clinician (opt-out and
   * cooldown included, except for a self-referral, as when it names the person itself) and the display text is deleted.
   */
  async assign(id: string, identifier: IdentifierV1, profession?: ProfessionGroup): Promise<{ decision: ClinicianDecision | 'already-named'; supportRequested: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const trigger = await this.lockOpenItem(manager, id);
      // The policy in force when staff name the person (read in this transaction, as for a new trigger).
      const policy = await this.policies.effective(manager);
      const decision = decideTriggerOutreach(trigger, policy);
      const outcome = await this.recordTrigger.recordClinician(manager, trigger, decision, { identifier, profession }, trigger.category === 'self-referral', policy);
      await this.items.resolve(manager, id, 'assigned');
      return outcome ? { decision: outcome.decision, supportRequested: outcome.requestId !== null } : { decision: 'already-named', supportRequested: false };
    });
  }

  async dismiss(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockOpenItem(manager, id);
      await this.items.resolve(manager, id, 'dismissed');
    });
  }

  private async lockOpenItem(manager: EntityManager, id: string): Promise<StoredTrigger> {
    const item = await this.items.lock(manager, id);
    if (!item) throw new NotFoundException('No triage item has this id.');
    if (item.status !== 'open') throw new ConflictException(`This triage item is already ${item.status}.`);
    return item.trigger;
  }
}
