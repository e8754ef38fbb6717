import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter } from '@harbor/messaging';
import { ProgramPolicies } from '../policy/program-policies';
import { cancelDeadlines, changeCaseStatus, closeAssignment, loadCaseForUpdate, scheduleDeadline } from './case-records';
import { OutcomeActor, OutcomeConflict, OutcomeReport, outcomeTransition } from './outcome-transition';

export interface OutcomeCaller {
  actor: OutcomeActor;
  /** The JWT subject; for supporters it must be the supporter who accepted the case. */
  subject: string;
}

@Injectable()
export class RecordOutcome {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly policies: ProgramPolicies,
  ) {}

  async execute(caseId: string, report: OutcomeReport, caller: OutcomeCaller) {
    return this.dataSource.transaction(async (manager) => {
      const kase = await loadCaseForUpdate(manager, caseId);
      if (!kase) throw new NotFoundException(`No case ${caseId}.`);
      const [accepted] = await manager.query(
        `SELECT "id", "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'accepted'`,
        [caseId],
      );
      // A supporter sees only the cases they accepted; another supporter learns nothing, not even that the case exists.
      if (caller.actor === 'supporter' && accepted?.supporter_id !== caller.subject) throw new NotFoundException(`No case ${caseId}.`);
      let transition;
      try {
        transition = outcomeTransition(kase.status, kase.outcome, kase.follow_ups_done, report, caller.actor);
      } catch (error) {
        if (error instanceof OutcomeConflict) throw new ConflictException(error.message);
        throw error;
      }
      await manager.query(`UPDATE "matching"."cases" SET "outcome" = $2, "follow_ups_done" = $3 WHERE "id" = $1`, [
        caseId, JSON.stringify(transition.outcome), transition.followUpsDone,
      ]);
      kase.outcome = transition.outcome;
      for (const status of transition.statuses) {
        await changeCaseStatus(manager, this.outbox, kase, status, {
          supporterId: accepted?.supporter_id,
          outcome: accepted ? transition.outcome : undefined,
          followUpSequence: status === 'follow-up' ? transition.followUpsDone : undefined,
        });
      }
      if (transition.scheduleFollowUps) {
        const policy = await this.policies.policyOf(manager, kase.program);
        for (const [index, seconds] of policy.followUpSeconds.entries()) {
          await scheduleDeadline(manager, { kind: 'follow-up', caseId, sequence: index + 1, dueAt: new Date(Date.now() + seconds * 1000) });
        }
      }
      if (transition.cancelFollowUps) await cancelDeadlines(manager, caseId);
      if (transition.releaseSupporter && accepted) {
        // Notification deletes the released contact details and stops answering for this offer.
        await closeAssignment(manager, this.outbox, { id: accepted.id, supporterId: accepted.supporter_id, caseId }, 'completed', 'case-closed');
      }
      return { id: caseId, status: kase.status, outcome: transition.outcome, followUpsDone: transition.followUpsDone };
    });
  }

  /** Cancels the pending follow-up reminders (e.g. the clinician asked for no further contact). */
  async cancelFollowUps(caseId: string, caller: OutcomeCaller): Promise<{ cancelled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const kase = await loadCaseForUpdate(manager, caseId);
      if (!kase) throw new NotFoundException(`No case ${caseId}.`);
      if (caller.actor === 'supporter') {
        const [accepted] = await manager.query(
          `SELECT 1 FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'accepted' AND "supporter_id" = $2`,
          [caseId, caller.subject],
        );
        if (!accepted) throw new NotFoundException(`No case ${caseId}.`);
      }
      return { cancelled: await cancelDeadlines(manager, caseId, ['follow-up']) };
    });
  }
}
