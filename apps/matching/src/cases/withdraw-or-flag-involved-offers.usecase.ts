import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { LOGGER } from '@harbor/service-runtime';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore, SEARCHING } from './case-store';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/**
 * A clinician an event names must not support a colleague about that same event (`involved-in-event`). Requests of
 * one event are serialized, but they can still reach matching apart (a second report of the incident, another
 * partition's backlog): a colleague's case may have been offered to this clinician, as a supporter, before the
 * clinician was known to be involved. Such an offer, still unanswered, is closed (`cancelled`: notification stops
 * taking answers to it) and the case is offered to the next supporter. An offer the supporter already accepted is
 * left alone: the colleague is already being supported, and program staff see the case in the console.
 */
@Injectable()
export class WithdrawInvolvedOffers {
  constructor(
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly records: CaseRecords,
    private readonly offerNextSupporter: OfferNextSupporter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The event `eventKey` has just named `clinicianId`: withdraws the open offers of its other cases to them. */
  async execute(manager: EntityManager, eventKey: string, clinicianId: string): Promise<number> {
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
