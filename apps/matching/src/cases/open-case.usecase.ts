import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IdentifierV1, SupportRequestedV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { ProgramPolicies } from '../policy/program-policies';
import { findOpenCase, recordAbsorbedRequest, requestAlreadyHandled } from './absorbed-requests';
import { clinicianLockKey, shouldAbsorb } from './absorption';
import { AbsorptionReport } from './absorption-report';
import { announceCaseStatus, changeCaseStatus, loadCaseForUpdate, scheduleDeadline } from './case-records';
import { lockClinician } from './clinician-lock';
import { EscalateCase } from './escalate-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/** Requests naming the same event: intake's key when given, else the trigger's kind, category, time and facility. */
export function eventKeyOf(request: SupportRequestedV1): string {
  return request.eventKey ?? `${request.trigger.kind}|${request.trigger.category}|${new Date(request.trigger.occurredAt).toISOString()}|${request.facility}`;
}

interface ResolvedClinician {
  clinician_id: string;
  opted_out: boolean;
}

/**
 * Opens a case for a support request (once per request id), resolves the clinician through the
 * directory, starts the overall deadline and makes the first offer. A clinician the directory does not
 * know leaves the case `unresolved` for program staff to triage (and pages the coordinator); it is never
 * dropped. A clinician who already has an open case gets no second one: the request is absorbed into that
 * case and nobody is paged, except for a self-referral, which always opens its own case.
 */
@Injectable()
export class OpenCase {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: ProgramPolicies,
    private readonly offerNextSupporter: OfferNextSupporter,
    private readonly escalateCase: EscalateCase,
    private readonly absorptionReport: AbsorptionReport,
  ) {}

  /** Returns the id of the case it opened; undefined when the request was a repeat or was absorbed. */
  async execute(manager: EntityManager, request: SupportRequestedV1): Promise<string | undefined> {
    const clinician = await this.resolveClinician(manager, request.clinician);
    const clinicianId = clinician?.clinician_id ?? null;
    // Before looking for an open case, so two requests for one clinician at once cannot both find none.
    await lockClinician(manager, clinicianLockKey(clinicianId, request.clinician));
    if (await requestAlreadyHandled(manager, request.requestId)) return undefined;
    const openCase = await findOpenCase(manager, clinicianId, request.clinician);
    if (openCase && shouldAbsorb(request, openCase)) {
      await this.absorb(manager, openCase.id, request);
      return undefined;
    }
    return this.open(manager, request, clinician);
  }

  private async resolveClinician(manager: EntityManager, identifier: IdentifierV1): Promise<ResolvedClinician | undefined> {
    const [clinician] = await manager.query(
      `SELECT i."clinician_id", c."opted_out" FROM "matching"."clinician_identifiers" i
       JOIN "matching"."clinicians" c ON c."id" = i."clinician_id" WHERE i."system" = $1 AND i."value" = $2`,
      [identifier.system, identifier.value],
    );
    return clinician;
  }

  /** The open case takes the trigger in: recorded for program staff, no new case, no offer, no page. */
  private async absorb(manager: EntityManager, caseId: string, request: SupportRequestedV1): Promise<void> {
    if (await recordAbsorbedRequest(manager, caseId, request)) {
      this.absorptionReport.noteAbsorbed(manager, { caseId, requestId: request.requestId });
    }
  }

  private async open(manager: EntityManager, request: SupportRequestedV1, clinician: ResolvedClinician | undefined): Promise<string | undefined> {
    const program = await this.policies.programFor(manager, request.facility);
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO "matching"."cases" ("id", "request_id", "clinician_id", "identifier_system", "identifier_value",
         "trigger_kind", "category", "harm_level", "event_occurred_at", "facility", "department", "status", "program", "event_key")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'requested', $12, $13)
       ON CONFLICT ("request_id") DO NOTHING RETURNING "id"`,
      [randomUUID(), request.requestId, clinician?.clinician_id ?? null, request.clinician.system, request.clinician.value,
        request.trigger.kind, request.trigger.category, request.trigger.harmLevel ?? null, request.trigger.occurredAt,
        request.facility, request.department ?? null, program, eventKeyOf(request)],
    );
    if (inserted.length === 0) return undefined;
    const kase = (await loadCaseForUpdate(manager, inserted[0].id))!;
    await announceCaseStatus(manager, this.outbox, kase); // inserted as 'requested'
    if (!clinician) {
      await changeCaseStatus(manager, this.outbox, kase, 'unresolved');
      await this.escalateCase.pageCoordinators(manager, kase);
      return kase.id;
    }
    if (clinician.opted_out && request.trigger.kind !== 'referral') {
      await changeCaseStatus(manager, this.outbox, kase, 'closed');
      return kase.id;
    }
    const policy = await this.policies.policyOf(manager, program);
    await scheduleDeadline(manager, { kind: 'overall', caseId: kase.id, dueAt: new Date(Date.now() + policy.overallDeadlineSeconds * 1000) });
    await this.offerNextSupporter.execute(manager, kase, policy);
    return kase.id;
  }
}
