import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentClosed, AssignmentCloseReason, CaseLifecycle, CaseLifecycleV1, CaseStatus } from '@harbor/contracts';
import { outbound, OutboundEvent, OutboxWriter } from '@harbor/messaging';
import { CaseToMatch, monthOf } from '../policy/matching-decision';
import { SupporterStore } from '../roster/supporter-store';
import { AssignmentStore } from './assignment-store';
import { CaseStore, MatchingCase } from './case-store';
import { professionGroupOf } from './profession-group';

export type LifecycleDetails = Pick<CaseLifecycleV1, 'attempt' | 'supporterId' | 'outcome' | 'followUpSequence' | 'escalationReason' | 'fallbackResource'>;

/**
 * The changes to a case that other services must hear of, each in the caller's transaction: a status (and
 * CaseLifecycle for reporting), an assignment's end (the supporter's capacity back and AssignmentClosed for
 * notification). The stores own the SQL; this keeps each change and its event together.
 */
@Injectable()
export class CaseRecords {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly supporters: SupporterStore,
  ) {}

  /**
   * Sets a case's status and tells reporting. `before` are events that belong to the change and go first: they
   * reach the outbox in the same statement.
   */
  async changeStatus(manager: EntityManager, kase: MatchingCase, status: CaseStatus, details: LifecycleDetails = {}, before: OutboundEvent[] = []): Promise<void> {
    await this.cases.setStatus(manager, kase.id, status);
    kase.status = status;
    await this.outbox.enqueueAll(manager, [...before, this.lifecycleOf(kase, details)]);
  }

  /** Tells reporting the case's current status (a new case is inserted with its first one). */
  async announce(manager: EntityManager, kase: MatchingCase, details: LifecycleDetails = {}): Promise<void> {
    await this.outbox.enqueueAll(manager, [this.lifecycleOf(kase, details)]);
  }

  private lifecycleOf(kase: MatchingCase, details: LifecycleDetails): OutboundEvent {
    return outbound(CaseLifecycle, {
      caseId: kase.id,
      status: kase.status,
      at: new Date().toISOString(),
      trigger: {
        kind: kase.triggerKind,
        category: kase.category,
        harmLevel: kase.harmLevel ?? undefined,
        occurredAt: kase.eventOccurredAt.toISOString(),
      },
      facility: kase.facility,
      department: kase.department ?? undefined,
      professionGroup: professionGroupOf(kase.clinicianProfession),
      ...details,
    });
  }

  /**
   * Ends an assignment matching decided to end (expired, escalated, case closed): its status, the supporter's
   * capacity back, and AssignmentClosed so notification stops taking answers and drops released contacts.
   */
  async closeAssignment(
    manager: EntityManager,
    assignment: { id: string; supporterId: string; caseId: string; offeredAt?: Date },
    status: 'closed' | 'expired' | 'completed',
    reason: AssignmentCloseReason,
  ): Promise<void> {
    await this.assignments.close(manager, assignment.id, status, reason);
    // An offer closed unanswered (expired, escalated) no longer counts towards the supporter's monthly cap.
    await this.supporters.releaseCapacity(manager, assignment.supporterId, status !== 'completed' && assignment.offeredAt ? monthOf(assignment.offeredAt) : undefined);
    await this.outbox.enqueue(manager, AssignmentClosed, {
      assignmentId: assignment.id, caseId: assignment.caseId, supporterId: assignment.supporterId, reason, closedAt: new Date().toISOString(),
    });
  }

  /**
   * What the policy needs to know about a (locked) case: the clinician's attributes and who must not be asked.
   * `otherEventClinicianIds`: the event's other clinicians, when the caller has read them already.
   */
  async context(manager: EntityManager, kase: MatchingCase, alreadyOffered: string[], otherEventClinicianIds?: string[]): Promise<CaseToMatch> {
    return {
      clinicianId: kase.clinicianId,
      profession: kase.clinicianProfession,
      department: kase.clinicianDepartment ?? kase.department,
      languages: kase.clinicianLanguages ?? [],
      involvedClinicianIds: otherEventClinicianIds ?? (kase.eventKey ? await this.cases.otherCliniciansOfEvent(manager, kase.eventKey, kase.clinicianId) : []),
      alreadyOffered,
    };
  }
}
