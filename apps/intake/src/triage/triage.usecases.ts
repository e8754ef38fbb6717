import { Inject, Injectable, NotFoundException, ConflictException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdentifierV1, ProfessionGroup } from '@harbor/contracts';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { IntakeEnv } from '../intake.env';
import { triggerPolicyFrom } from '../triggers/intake-policy';
import { ClinicianDecision, decideTriggerOutreach } from '../triggers/outreach-policy';
import { RecordTrigger, StoredTrigger } from '../triggers/record-trigger.usecase';

export interface TriageItemView {
  id: string;
  triggerId: string;
  reason: string;
  /** What the source gave instead of an identifier; gone once the item is resolved. */
  displayText: string | null;
  kind: string;
  category: string;
  harmLevel: string | null;
  facility: string;
  department: string | null;
  occurredAt: string;
  createdAt: string;
}

/** The triage queue: people named by a trigger that nobody could identify automatically. */
@Injectable()
export class TriageQueue {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly recordTrigger: RecordTrigger,
    @Inject(SERVICE_ENV) private readonly env: IntakeEnv,
  ) {}

  async listOpen(limit: number): Promise<TriageItemView[]> {
    const rows = await this.dataSource.query(
      `SELECT i."id", i."trigger_id" AS "triggerId", i."reason", i."display_text" AS "displayText", t."kind", t."category",
              t."harm_level" AS "harmLevel", t."facility", t."department", t."occurred_at" AS "occurredAt", i."created_at" AS "createdAt"
       FROM "intake"."triage_items" i JOIN "intake"."triggers" t ON t."id" = i."trigger_id"
       WHERE i."status" = 'open' ORDER BY i."created_at", i."id" LIMIT $1`,
      [limit],
    );
    return rows.map((row: TriageItemView & { occurredAt: Date; createdAt: Date }) => ({
      ...row,
      occurredAt: new Date(row.occurredAt).toISOString(),
      createdAt: new Date(row.createdAt).toISOString(),
    }));
  }

  /**
   * Staff name the clinician: the trigger's policy applies to them as to any named clinician (opt-out and
   * cooldown included) and the display text is deleted.
   */
  async assign(id: string, identifier: IdentifierV1, profession?: ProfessionGroup): Promise<{ decision: ClinicianDecision | 'already-named'; supportRequested: boolean }> {
    return this.dataSource.transaction(async (manager) => {
      const trigger = await this.lockOpenItem(manager, id);
      const decision = decideTriggerOutreach(trigger, triggerPolicyFrom(this.env));
      const outcome = await this.recordTrigger.recordClinician(manager, trigger, decision, { identifier, profession }, false);
      await this.resolve(manager, id, 'assigned');
      return outcome ? { decision: outcome.decision, supportRequested: outcome.requestId !== null } : { decision: 'already-named', supportRequested: false };
    });
  }

  async dismiss(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.lockOpenItem(manager, id);
      await this.resolve(manager, id, 'dismissed');
    });
  }

  private async lockOpenItem(manager: import('typeorm').EntityManager, id: string): Promise<StoredTrigger> {
    const [row] = await manager.query(
      `SELECT i."status", t."id", t."kind", t."category", t."harm_level" AS "harmLevel", t."withdrawn", t."facility", t."department",
              t."occurred_at" AS "occurredAt"
       FROM "intake"."triage_items" i JOIN "intake"."triggers" t ON t."id" = i."trigger_id"
       WHERE i."id" = $1 FOR UPDATE OF i`,
      [id],
    );
    if (!row) throw new NotFoundException('No triage item has this id.');
    if (row.status !== 'open') throw new ConflictException(`This triage item is already ${row.status}.`);
    const { status: _status, ...trigger } = row;
    return { ...trigger, occurredAt: new Date(row.occurredAt).toISOString() };
  }

  private async resolve(manager: import('typeorm').EntityManager, id: string, status: 'assigned' | 'dismissed'): Promise<void> {
    await manager.query(
      `UPDATE "intake"."triage_items" SET "status" = $2, "display_text" = NULL, "resolved_at" = now() WHERE "id" = $1`,
      [id, status],
    );
  }
}
