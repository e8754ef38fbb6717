import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { EscalationReason, StaffPageRequested } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { ProgramPolicies } from '../policy/program-policies';
import { ProgramStaffStore } from '../roster/program-staff-store';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore, MatchingCase } from './case-store';
import { DeadlineStore } from './deadline-store';

/** Who is paged when a case escalates (and who is offered a group debrief), in order: the first role with anyone active in it. */
export const ESCALATION_ROLES = ['on-call-coordinator', 'director', 'administrator'] as const;

/**
 * Hands a case to people when the automatic search ends without an acceptance: the open offer (if any)
 * is closed, the program's on-call coordinator is paged and the external-resource fallback offered to
 * the clinician is recorded. Never nobody: without a coordinator, the program director (then the
 * administrator) is paged instead.
 */
@Injectable()
export class EscalateCase {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: ProgramPolicies,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly programStaff: ProgramStaffStore,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly deadlines: DeadlineStore,
  ) {}

  async execute(manager: EntityManager, kase: MatchingCase, reason: EscalationReason): Promise<void> {
    const policy = await this.policies.policyOf(manager, kase.program);
    for (const assignment of await this.assignments.lockOffered(manager, kase.id)) {
      await this.records.closeAssignment(manager, { ...assignment, caseId: kase.id }, 'closed', 'escalated');
    }
    await this.deadlines.cancel(manager, kase.id, ['ack', 'overall']);
    await this.cases.recordEscalation(manager, kase.id, reason, policy.fallbackResource);
    const paged = await this.pageCoordinators(manager, kase);
    this.logger.warn({ caseId: kase.id, reason, paged }, 'case escalated to the on-call coordinator');
    await this.records.changeStatus(manager, kase, 'escalated', { escalationReason: reason, fallbackResource: policy.fallbackResource });
  }

  /** Pages the program's on-call coordinators (or, failing them, its director or administrator); returns how many. */
  async pageCoordinators(manager: EntityManager, kase: Pick<MatchingCase, 'id' | 'program'>): Promise<number> {
    const staff = await this.programStaff.activeInRoles(manager, kase.program, ESCALATION_ROLES);
    const role = ESCALATION_ROLES.find((candidate) => staff.some((member) => member.role === candidate));
    const recipients = staff.filter((member) => member.role === role);
    if (recipients.length === 0) this.logger.error({ caseId: kase.id, program: kase.program }, 'no program staff to page for an escalation');
    for (const recipient of recipients) {
      await this.outbox.enqueue(manager, StaffPageRequested, {
        pageId: randomUUID(),
        kind: 'coordinator-escalation',
        caseId: kase.id,
        recipientId: recipient.id,
        channels: recipient.channels,
        requestedAt: new Date().toISOString(),
      });
    }
    return recipients.length;
  }
}
