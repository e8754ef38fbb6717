import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { EscalationReason, StaffPageRequested } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { ProgramPolicies } from '../policy/program-policies';
import { cancelDeadlines, CaseRow, changeCaseStatus, closeAssignment } from './case-records';
import { ProgramStaffStore } from '../roster/program-staff-store';

/** Who is paged when a case escalates, in order: the first role with anyone active in it. */
const ESCALATION_ROLES = ['on-call-coordinator', 'director', 'administrator'] as const;

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
  ) {}

  async execute(manager: EntityManager, kase: CaseRow, reason: EscalationReason): Promise<void> {
    const policy = await this.policies.policyOf(manager, kase.program);
    const open: { id: string; supporter_id: string }[] = await manager.query(
      `SELECT "id", "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1 AND "status" = 'offered' FOR UPDATE`,
      [kase.id],
    );
    for (const assignment of open) {
      await closeAssignment(manager, this.outbox, { id: assignment.id, supporterId: assignment.supporter_id, caseId: kase.id }, 'closed', 'escalated');
    }
    await cancelDeadlines(manager, kase.id, ['ack', 'overall']);
    await manager.query(`UPDATE "matching"."cases" SET "escalation_reason" = $2, "fallback_resource" = $3 WHERE "id" = $1`, [
      kase.id, reason, policy.fallbackResource,
    ]);
    const paged = await this.pageCoordinators(manager, kase);
    this.logger.warn({ caseId: kase.id, reason, paged }, 'case escalated to the on-call coordinator');
    await changeCaseStatus(manager, this.outbox, kase, 'escalated', { escalationReason: reason, fallbackResource: policy.fallbackResource });
  }

  /** Pages the program's on-call coordinators (or, failing them, its director or administrator); returns how many. */
  async pageCoordinators(manager: EntityManager, kase: Pick<CaseRow, 'id' | 'program'>): Promise<number> {
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
