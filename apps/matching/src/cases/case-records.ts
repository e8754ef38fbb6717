import { EntityManager } from 'typeorm';
import { CaseLifecycle, CaseLifecycleV1, CaseStatus, TriggerCategory, TriggerKind, HarmLevel } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { professionGroupOf } from './profession-group';

export interface CaseRow {
  id: string;
  request_id: string;
  clinician_id: string | null;
  trigger_kind: TriggerKind;
  category: TriggerCategory;
  harm_level: HarmLevel | null;
  event_occurred_at: Date;
  facility: string;
  department: string | null;
  status: CaseStatus;
  clinician_profession: string | null;
}

export async function loadCaseForUpdate(manager: EntityManager, caseId: string): Promise<CaseRow | undefined> {
  const [row] = await manager.query(
    `SELECT c.*, cl."profession" AS clinician_profession FROM "matching"."cases" c
     LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id"
     WHERE c."id" = $1 FOR UPDATE OF c`,
    [caseId],
  );
  return row;
}

/** Sets a case's status and tells reporting, in the caller's transaction. */
export async function changeCaseStatus(
  manager: EntityManager,
  outbox: OutboxWriter,
  kase: CaseRow,
  status: CaseStatus,
  details: Pick<CaseLifecycleV1, 'attempt' | 'supporterId' | 'outcome' | 'followUpSequence' | 'escalationReason' | 'fallbackResource'> = {},
): Promise<void> {
  await manager.query(`UPDATE "matching"."cases" SET "status" = $2, "updated_at" = now() WHERE "id" = $1`, [kase.id, status]);
  kase.status = status;
  await outbox.enqueue(manager, CaseLifecycle, {
    caseId: kase.id,
    status,
    at: new Date().toISOString(),
    trigger: {
      kind: kase.trigger_kind,
      category: kase.category,
      harmLevel: kase.harm_level ?? undefined,
      occurredAt: new Date(kase.event_occurred_at).toISOString(),
    },
    facility: kase.facility,
    department: kase.department ?? undefined,
    professionGroup: professionGroupOf(kase.clinician_profession),
    ...details,
  });
}
