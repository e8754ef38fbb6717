import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentPagedV1, AssignmentRespondedV1, AssignmentUndeliverableV1, ContactReleased, sealReleasedContact } from '@harbor/contracts';
import { KeyRing } from '@harbor/crypto';
import { OutboxWriter } from '@harbor/messaging';
import { contactOf } from '../directory/directory-store';
import { ContactKeys } from '../matching.settings';
import { monthOf, startsRest } from '../policy/matching-decision';
import { SupporterStore } from '../roster/supporter-store';
import { AssignmentStore, LockedAssignment } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore, MatchingCase, SEARCHING } from './case-store';
import { DeadlineStore } from './deadline-store';
import { OfferNextSupporter } from './offer-next-supporter.usecase';

/**
 * A supporter was paged, answered, or could not be reached. Paged starts the acknowledgement clock. Accept ends the search and releases the clinician's
 * contact details to that supporter only (and, for a case from a death or severe-harm event, starts their rest period); decline and undeliverable free the capacity and ask the next one.
 * A late answer to an offer that was already settled (expired, closed) changes nothing.
 */
@Injectable()
export class RecordResponse {
  private readonly contactKeys: KeyRing;

  constructor(
    private readonly outbox: OutboxWriter,
    private readonly offerNextSupporter: OfferNextSupporter,
    keys: ContactKeys,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly deadlines: DeadlineStore,
    private readonly supporters: SupporterStore,
  ) {
    this.contactKeys = keys.ring;
  }

  async execute(manager: EntityManager, response: AssignmentRespondedV1): Promise<void> {
    const found = await this.openAssignment(manager, response);
    if (!found) return;
    const { kase, assignment } = found;
    await this.assignments.recordAnswer(manager, assignment.id, response.response, response.respondedAt);
    await this.deadlines.cancel(manager, kase.id, ['ack']);
    if (response.response === 'accepted') {
      await this.deadlines.cancel(manager, kase.id, ['overall']);
      await this.records.changeStatus(manager, kase, 'accepted', { attempt: assignment.attempt, supporterId: assignment.supporterId });
      await this.releaseContact(manager, kase, assignment);
      // Care for the carers: a case from a death or severe-harm event starts the supporter's rest period
      // (its length is the program's policy, applied when they are next considered).
      if (startsRest(kase.harmLevel)) await this.supporters.startRest(manager, assignment.supporterId, new Date(response.respondedAt));
      return;
    }
    await this.supporters.releaseCapacity(manager, assignment.supporterId, monthOf(assignment.offeredAt));
    await this.offerNextSupporter.execute(manager, kase);
  }

  /**
   * The page reached a provider: the acknowledgement clock starts now (`pagedAt`, never later than this
   * moment nor earlier than the offer). Until then no ack deadline runs, so an offer waiting out a provider
   * outage is not expired and re-offered; the case's overall deadline still runs and escalates to a person.
   * The delivery is recorded on the offer even when the supporter already answered (the report and the
   * answer travel on different topics). Only the first report counts (a page is delivered once).
   */
  async paged(manager: EntityManager, paged: AssignmentPagedV1): Promise<void> {
    const kase = await this.cases.loadForUpdate(manager, paged.caseId);
    if (!kase) return;
    const recorded = await this.assignments.recordFirstPage(manager, {
      assignmentId: paged.assignmentId, caseId: paged.caseId, supporterId: paged.supporterId, pagedAt: paged.pagedAt, channel: paged.channel,
      caseSearching: SEARCHING.includes(kase.status),
    });
    if (recorded?.clockStarted) await this.deadlines.schedule(manager, { kind: 'ack', caseId: kase.id, assignmentId: paged.assignmentId, dueAt: recorded.respondBy });
  }

  async undeliverable(manager: EntityManager, failure: AssignmentUndeliverableV1): Promise<void> {
    const found = await this.openAssignment(manager, failure);
    if (!found) return;
    await this.assignments.recordAnswer(manager, found.assignment.id, 'undeliverable', failure.failedAt);
    await this.deadlines.cancel(manager, found.kase.id, ['ack']);
    await this.supporters.releaseCapacity(manager, found.assignment.supporterId, monthOf(found.assignment.offeredAt));
    await this.offerNextSupporter.execute(manager, found.kase);
  }

  private async openAssignment(
    manager: EntityManager,
    message: { caseId: string; assignmentId: string; supporterId: string },
  ): Promise<{ kase: MatchingCase; assignment: LockedAssignment } | undefined> {
    const kase = await this.cases.loadForUpdate(manager, message.caseId);
    if (!kase || !SEARCHING.includes(kase.status)) return undefined;
    const assignment = await this.assignments.lock(manager, message.assignmentId, message.caseId);
    if (!assignment || assignment.status !== 'offered' || assignment.supporterId !== message.supporterId) return undefined;
    return { kase, assignment };
  }

  /**
   * Minimum necessary: name and how to reach the clinician, to the supporter who accepted, and nothing else.
   * Sealed here for notification, so the outbox, Kafka and notification's tables never hold it in clear.
   */
  private async releaseContact(manager: EntityManager, kase: MatchingCase, assignment: LockedAssignment): Promise<void> {
    const contact = kase.clinicianId ? await contactOf(manager, kase.clinicianId) : undefined;
    if (!contact) return;
    await this.outbox.enqueue(manager, ContactReleased, {
      assignmentId: assignment.id,
      caseId: kase.id,
      supporterId: assignment.supporterId,
      sealedContact: sealReleasedContact(this.contactKeys, assignment.id, contact),
    });
  }
}
