import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { OfferGroupDebrief } from '../debriefs/offer-group-debrief.usecase';
import { ResolvedClinician } from '../directory/directory-store';
import { ProgramPolicies } from '../policy/program-policies';
import { clinicianLockKey, clinicianLockKeys, shouldAbsorb } from './absorption';
import { AbsorptionReport } from './absorption-report';
import { CaseRecords } from './case-records';
import { CaseStore, MatchingCase } from './case-store';
import { DeadlineStore } from './deadline-store';
import { EscalateCase } from './escalate-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';
import { WithdrawOrFlagInvolvedOffers } from './withdraw-or-flag-involved-offers.usecase';

/** Requests naming the same event: intake's key when given, else the trigger's kind, category, time and facility. */
export function eventKeyOf(request: SupportRequestedV1): string {
  return request.eventKey ?? `${request.trigger.kind}|${request.trigger.category}|${new Date(request.trigger.occurredAt).toISOString()}|${request.facility}`;
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
    private readonly policies: ProgramPolicies,
    private readonly offerNextSupporter: OfferNextSupporter,
    private readonly escalateCase: EscalateCase,
    private readonly absorptionReport: AbsorptionReport,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly deadlines: DeadlineStore,
    private readonly groupDebriefs: OfferGroupDebrief,
    private readonly withdrawOrFlagInvolvedOffers: WithdrawOrFlagInvolvedOffers,
  ) {}

  /** Returns the id of the case it opened; undefined when the request was a repeat or was absorbed. */
  async execute(manager: EntityManager, request: SupportRequestedV1): Promise<string | undefined> {
    // The directory's answer, the clinician's lock and the event's in one statement; the locks before looking for an
    // open case, so two requests for one clinician at once cannot both find none, and before reading the event's
    // other clinicians, so two clinicians of one event at once each see the other (neither supports the other).
    const eventKey = eventKeyOf(request);
    const clinician = await this.cases.resolveAndLockClinician(manager, request.clinician, clinicianLockKeys(request.clinician), eventKey);
    const clinicianId = clinician?.clinicianId ?? null;
    const clinicianKey = clinicianLockKey(clinicianId, request.clinician);
    const { handled, openCase, eventClinicianIds, newlyInvolved } = await this.cases.priorHandling(manager, request.requestId, clinicianId, request.clinician, eventKey);
    // Only an event that named someone before can have offered this clinician one of its cases.
    if (clinicianId && newlyInvolved && eventClinicianIds.length > 0) await this.withdrawOrFlagInvolvedOffers.execute(manager, eventKey, clinicianId);
    if (handled) return undefined;
    // Every clinician the event names counts for their unit's group debrief, whatever their own outreach.
    await this.groupDebriefs.noteClinician(manager, request, eventKey, { key: clinicianKey, department: clinician?.department ?? null });
    if (openCase && shouldAbsorb(request, openCase)) {
      await this.absorb(manager, openCase.id, request);
      return undefined;
    }
    return this.open(manager, request, clinician, eventClinicianIds);
  }

  /** The open case takes the trigger in: recorded for program staff, no new case, no offer, no page. */
  private async absorb(manager: EntityManager, caseId: string, request: SupportRequestedV1): Promise<void> {
    if (await this.cases.recordAbsorbed(manager, caseId, request)) {
      this.absorptionReport.noteAbsorbed(manager, { caseId, requestId: request.requestId });
    }
  }

  private async open(manager: EntityManager, request: SupportRequestedV1, clinician: ResolvedClinician | undefined, eventClinicianIds: string[]): Promise<string | undefined> {
    const { program, policy } = await this.policies.programAndPolicyFor(manager, request.facility);
    const id = randomUUID();
    // priorHandling found this request unhandled under the clinician's lock, which this transaction holds until it commits.
    await this.cases.insert(manager, {
      id,
      requestId: request.requestId,
      clinicianId: clinician?.clinicianId ?? null,
      identifier: request.clinician,
      triggerKind: request.trigger.kind,
      category: request.trigger.category,
      harmLevel: request.trigger.harmLevel ?? null,
      eventOccurredAt: request.trigger.occurredAt,
      facility: request.facility,
      department: request.department ?? null,
      program,
      eventKey: eventKeyOf(request),
    });
    // The row this transaction just inserted is its own until it commits (nobody else sees it, let alone locks it):
    // the case is built from what was inserted instead of being read back under a lock.
    const kase = newCaseOf(id, request, program, clinician);
    await this.records.announce(manager, kase); // inserted as 'requested'
    if (!clinician) {
      await this.records.changeStatus(manager, kase, 'unresolved');
      await this.escalateCase.pageCoordinators(manager, kase);
      return kase.id;
    }
    if (clinician.optedOut && request.trigger.kind !== 'referral') {
      await this.records.changeStatus(manager, kase, 'closed');
      return kase.id;
    }
    await this.deadlines.schedule(manager, { kind: 'overall', caseId: kase.id, dueAt: new Date(Date.now() + policy.overallDeadlineSeconds * 1000) });
    // A case opened a moment ago has been offered to nobody yet; its event's other clinicians were read with the prior handling.
    await this.offerNextSupporter.execute(manager, kase, { policy, offeredBefore: [], eventClinicianIds });
    return kase.id;
  }
}

/** The case as CaseStore.insert wrote it (status `requested`), with the directory's attributes of its clinician. */
function newCaseOf(id: string, request: SupportRequestedV1, program: string, clinician: ResolvedClinician | undefined): MatchingCase {
  return {
    id,
    requestId: request.requestId,
    program,
    eventKey: eventKeyOf(request),
    clinicianId: clinician?.clinicianId ?? null,
    triggerKind: request.trigger.kind,
    category: request.trigger.category,
    harmLevel: request.trigger.harmLevel ?? null,
    eventOccurredAt: new Date(request.trigger.occurredAt),
    facility: request.facility,
    department: request.department ?? null,
    status: 'requested',
    outcome: null,
    followUpsDone: 0,
    clinicianProfession: clinician?.profession ?? null,
    clinicianDepartment: clinician?.department ?? null,
    clinicianLanguages: clinician?.languages ?? null,
  };
}
