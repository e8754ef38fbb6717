import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { changeCaseStatus, loadCaseForUpdate } from './case-records';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/**
 * Opens a case for a support request (once per request id), resolves the clinician through the
 * directory and makes the first offer. A clinician the directory does not know leaves the case
 * `unresolved` for program staff to triage; it is never dropped.
 */
@Injectable()
export class OpenCase {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
  ) {}

  async execute(manager: EntityManager, request: SupportRequestedV1): Promise<string | undefined> {
    const [clinician] = await manager.query(
      `SELECT i."clinician_id", c."opted_out" FROM "matching"."clinician_identifiers" i
       JOIN "matching"."clinicians" c ON c."id" = i."clinician_id" WHERE i."system" = $1 AND i."value" = $2`,
      [request.clinician.system, request.clinician.value],
    );
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO "matching"."cases" ("id", "request_id", "clinician_id", "identifier_system", "identifier_value",
         "trigger_kind", "category", "harm_level", "event_occurred_at", "facility", "department", "status")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'requested')
       ON CONFLICT ("request_id") DO NOTHING RETURNING "id"`,
      [randomUUID(), request.requestId, clinician?.clinician_id ?? null, request.clinician.system, request.clinician.value,
        request.trigger.kind, request.trigger.category, request.trigger.harmLevel ?? null, request.trigger.occurredAt,
        request.facility, request.department ?? null],
    );
    if (inserted.length === 0) return undefined;
    const kase = (await loadCaseForUpdate(manager, inserted[0].id))!;
    await changeCaseStatus(manager, this.outbox, kase, 'requested');
    if (!clinician) {
      await changeCaseStatus(manager, this.outbox, kase, 'unresolved');
      return kase.id;
    }
    if (clinician.opted_out && request.trigger.kind !== 'referral') {
      await changeCaseStatus(manager, this.outbox, kase, 'closed');
      return kase.id;
    }
    await this.offerNextSupporter.execute(manager, kase);
    return kase.id;
  }
}
