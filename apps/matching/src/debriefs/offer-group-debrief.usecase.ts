import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { GroupDebriefChanged, StaffPageRequested, SupportRequestedV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { ESCALATION_ROLES } from '../cases/escalate-case.usecase';
import { ProgramPolicies } from '../policy/program-policies';
import { ProgramStaffStore } from '../roster/program-staff-store';
import { debriefDue, tallyMember, unitOf } from './group-debrief-rule';
import { GroupDebriefStore } from './group-debrief-store';

/** What OpenCase knows about the clinician a request names when it counts them. */
export interface NamedClinician {
  /** Matching's clinician key (directory id, else the identifier as received): one person counts once. */
  key: string;
  /** The directory's department, when the directory knows the clinician. */
  department: string | null;
}

/**
 * One event, a whole unit. Every support request counts its clinician for the event's unit — whatever
 * happens to the request afterwards (absorbed into an open case, opted out, unknown to the directory): the
 * debrief is for the unit, not for the people who get individual outreach. In the transaction that counts
 * the N-th distinct clinician (N = the program's groupDebriefMinClinicians), one group debrief is opened
 * for the (event, unit), the program's coordinator is paged with an offer naming only the unit, and
 * reporting is told (GroupDebriefChanged `offered`). Never two debriefs for one (event, unit): the tally's
 * primary key ignores redeliveries and the debrief's unique constraint a second opener.
 */
@Injectable()
export class OfferGroupDebrief {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: ProgramPolicies,
    private readonly programStaff: ProgramStaffStore,
    private readonly debriefs: GroupDebriefStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Returns the id of the debrief this request opened, if it did. */
  async noteClinician(manager: EntityManager, request: SupportRequestedV1, eventKey: string, clinician: NamedClinician): Promise<string | undefined> {
    const unit = unitOf(clinician.department, request.department);
    if (!unit) return undefined;
    const clinicians = await this.debriefs.noteMember(manager, eventKey, unit, tallyMember(clinician.key));
    // No threshold is below 2: most events name one clinician, and their requests need not read the policy here.
    if (!debriefDue(clinicians, 2)) return undefined;
    const { program, policy } = await this.policies.programAndPolicyFor(manager, request.facility);
    if (!debriefDue(clinicians, policy.groupDebriefMinClinicians)) return undefined;
    const debrief = await this.debriefs.open(manager, { id: randomUUID(), eventKey, unit, program, facility: request.facility, clinicians });
    if (!debrief) return undefined; // already offered for this event and unit
    const staff = await this.programStaff.activeInRoles(manager, program, ESCALATION_ROLES);
    const role = ESCALATION_ROLES.find((candidate) => staff.some((member) => member.role === candidate));
    const recipients = staff.filter((member) => member.role === role);
    for (const recipient of recipients) {
      await this.outbox.enqueue(manager, StaffPageRequested, {
        pageId: randomUUID(),
        kind: 'group-debrief-offer',
        caseId: debrief.id,
        recipientId: recipient.id,
        channels: recipient.channels,
        unit,
        requestedAt: new Date().toISOString(),
      });
    }
    await this.debriefs.recordPaged(manager, debrief.id, recipients.length);
    await this.outbox.enqueue(manager, GroupDebriefChanged, {
      debriefId: debrief.id, status: 'offered', facility: debrief.facility, clinicians, at: debrief.offeredAt,
    });
    if (recipients.length === 0) this.logger.error({ debriefId: debrief.id, program }, 'no program staff to offer a group debrief to');
    else this.logger.info({ debriefId: debrief.id, program, paged: recipients.length }, 'group debrief offered to the program coordinator');
    return debrief.id;
  }
}
