import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ProgramPolicies } from '../policy/program-policies';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore } from './case-store';
import { DeadlineStore } from './deadline-store';
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
    private readonly policies: ProgramPolicies,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly deadlines: DeadlineStore,
  ) {}

  async execute(caseId: string, report: OutcomeReport, caller: OutcomeCaller) {
    return this.dataSource.transaction((manager) => this.executeIn(manager, caseId, report, caller));
  }

  /**
   * The same, in the caller's transaction (an encounter recorded through notification's page). Refusals
   * (NotFoundException, ConflictException) are thrown before anything is written.
   */
  async executeIn(manager: EntityManager, caseId: string, report: OutcomeReport, caller: OutcomeCaller) {
    const kase = await this.cases.loadForUpdate(manager, caseId);
    if (!kase) throw new NotFoundException(`No case ${caseId}.`);
    const accepted = await this.assignments.accepted(manager, caseId);
    // A supporter sees only the cases they accepted; another supporter learns nothing, not even that the case exists.
    if (caller.actor === 'supporter' && accepted?.supporterId !== caller.subject) throw new NotFoundException(`No case ${caseId}.`);
    let transition;
    try {
      transition = outcomeTransition(kase.status, kase.outcome, kase.followUpsDone, report, caller.actor);
    } catch (error) {
      if (error instanceof OutcomeConflict) throw new ConflictException(error.message);
      throw error;
    }
    await this.cases.recordOutcome(manager, caseId, transition.outcome, transition.followUpsDone);
    kase.outcome = transition.outcome;
    for (const status of transition.statuses) {
      await this.records.changeStatus(manager, kase, status, {
        supporterId: accepted?.supporterId,
        outcome: accepted ? transition.outcome : undefined,
        followUpSequence: status === 'follow-up' ? transition.followUpsDone : undefined,
      });
    }
    if (transition.scheduleFollowUps) {
      const policy = await this.policies.policyOf(manager, kase.program);
      for (const [index, seconds] of policy.followUpSeconds.entries()) {
        await this.deadlines.schedule(manager, { kind: 'follow-up', caseId, sequence: index + 1, dueAt: new Date(Date.now() + seconds * 1000) });
      }
    }
    if (transition.cancelFollowUps) await this.deadlines.cancel(manager, caseId);
    if (transition.releaseSupporter && accepted) {
      // Notification deletes the released contact details and stops answering for this offer.
      await this.records.closeAssignment(manager, { id: accepted.id, supporterId: accepted.supporterId, caseId }, 'completed', 'case-closed');
    }
    return { id: caseId, status: kase.status, outcome: transition.outcome, followUpsDone: transition.followUpsDone };
  }

  /** Cancels the pending follow-up reminders (e.g. the clinician asked for no further contact). */
  async cancelFollowUps(caseId: string, caller: OutcomeCaller): Promise<{ cancelled: number }> {
    return this.dataSource.transaction(async (manager) => {
      const kase = await this.cases.loadForUpdate(manager, caseId);
      if (!kase) throw new NotFoundException(`No case ${caseId}.`);
      if (caller.actor === 'supporter') {
        if (!(await this.assignments.isAcceptedBy(manager, caseId, caller.subject))) throw new NotFoundException(`No case ${caseId}.`);
      }
      return { cancelled: await this.deadlines.cancel(manager, caseId, ['follow-up']) };
    });
  }
}
