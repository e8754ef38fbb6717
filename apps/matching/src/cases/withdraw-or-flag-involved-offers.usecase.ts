import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { LOGGER } from '@harbor/service-runtime';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore, SEARCHING } from './case-store';
import { EscalateCase } from './escalate-case.usecase';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/**
 * A clinician an event names must not support a colleague about that same event (`involved-in-event`). Requests of
 * one event are serialized, but they can still reach matching apart (a second report of the incident, another
 * partition's backlog): a colleague's case may have been offered to this clinician, as a supporter, before the
 * clinician was known to be involved.
 * - An offer still unanswered is closed (`cancelled`: notification stops taking answers to it) and the case is
 *   offered to the next supporter.
 * - An offer the supporter already accepted is not taken away by a machine: the colleague may already be talking to
 *   them, and a sudden change of supporter is its own harm. It is flagged (`named_in_event_at`), listed on the cases
 *   board under "Supporter named in the same event" while it stays accepted, and the program's on-call coordinator
 *   (or, failing one, the director, then the administrator) is paged once, as for an escalation, to decide.
 */
@Injectable()
export class WithdrawOrFlagInvolvedOffers {
  constructor(
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly records: CaseRecords,
    private readonly offerNextSupporter: OfferNextSupporter,
    private readonly escalate: EscalateCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The event `eventKey` has just named `clinicianId`: withdraws their open offers of its other cases, flags accepted ones. */
  async execute(manager: EntityManager, eventKey: string, clinicianId: string): Promise<{ withdrawn: number; flagged: number }> {
    const withdrawn = await this.withdrawOpenOffers(manager, eventKey, clinicianId);
    const flagged = await this.assignments.markAcceptedInEventBy(manager, eventKey, clinicianId);
    for (const offer of flagged) {
      // The case stays as it is: only its program's staff are paged, so it is neither read again nor locked.
      const paged = await this.escalate.pageCoordinators(manager, { id: offer.caseId, program: offer.program });
      this.logger.warn({ caseId: offer.caseId, assignmentId: offer.id, paged }, 'accepted supporter named in the same event: program staff paged to decide');
    }
    return { withdrawn, flagged: flagged.length };
  }

  private async withdrawOpenOffers(manager: EntityManager, eventKey: string, clinicianId: string): Promise<number> {
    let withdrawn = 0;
    for (const offer of await this.assignments.offeredInEventTo(manager, eventKey, clinicianId)) {
      const kase = await this.cases.loadForUpdate(manager, offer.caseId);
      if (!kase || !SEARCHING.includes(kase.status)) continue;
      const assignment = await this.assignments.lockIfOffered(manager, offer.id);
      if (!assignment) continue;
      await this.records.closeAssignment(manager, { ...assignment, caseId: kase.id }, 'closed', 'cancelled');
      await this.offerNextSupporter.execute(manager, kase);
      this.logger.info({ caseId: kase.id, assignmentId: assignment.id }, 'offer withdrawn: its supporter was named in the same event');
      withdrawn++;
    }
    return withdrawn;
  }
}
