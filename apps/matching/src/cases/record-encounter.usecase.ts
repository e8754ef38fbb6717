import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { Logger } from 'pino';
import { EntityManager } from 'typeorm';
import { EncounterRecordedV1 } from '@harbor/contracts';
import { LOGGER } from '@harbor/service-runtime';
import { AssignmentStore } from './assignment-store';
import { RecordOutcome } from './record-outcome.usecase';

export type EncounterApplied = 'applied' | 'not-the-accepted-assignment' | 'conflict';

/**
 * An encounter recorded on notification's page (the signed link is the supporter's credential there): applied
 * as an outcome report of the supporter who accepted the assignment. An assignment that is not the case's
 * accepted one, or a step the case's state refuses (a follow-up before contact, a closed case), is a business
 * outcome, not a broken message: logged and dropped, never dead-lettered. The event is processed once (by id).
 */
@Injectable()
export class RecordEncounter {
  constructor(
    private readonly assignments: AssignmentStore,
    private readonly recordOutcome: RecordOutcome,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(manager: EntityManager, encounter: EncounterRecordedV1): Promise<EncounterApplied> {
    const { assignmentId, caseId } = encounter;
    const accepted = await this.assignments.accepted(manager, caseId);
    if (!accepted || accepted.id !== assignmentId) {
      this.logger.warn({ caseId, assignmentId, recordId: encounter.recordId }, 'encounter dropped: not the case\'s accepted assignment');
      return 'not-the-accepted-assignment';
    }
    const { contactMade, supportDeclined, referrals, timeOffSuggested, followUpCompleted, close } = encounter;
    try {
      await this.recordOutcome.executeIn(
        manager, caseId, { contactMade, supportDeclined, referrals, timeOffSuggested, followUpCompleted, close }, { actor: 'supporter', subject: accepted.supporterId },
      );
      return 'applied';
    } catch (error) {
      if (!(error instanceof ConflictException) && !(error instanceof NotFoundException)) throw error;
      this.logger.warn({ caseId, assignmentId, recordId: encounter.recordId, reason: error.message }, 'encounter dropped: the case does not take it');
      return 'conflict';
    }
  }
}
