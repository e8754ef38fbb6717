import { ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { GroupDebriefChanged } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { InvalidRequestException } from '@harbor/service-runtime';
import { DebriefOutcomeReport, debriefOutcomeTransition } from './group-debrief-rule';
import { GroupDebrief, GroupDebriefStore } from './group-debrief-store';

/**
 * Program staff record how a group debrief ended: held (with an attendance band) or declined. The debrief
 * closes with it (a second outcome is a 409) and reporting is told (GroupDebriefChanged).
 */
@Injectable()
export class RecordDebriefOutcome {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly debriefs: GroupDebriefStore,
  ) {}

  async execute(id: string, report: DebriefOutcomeReport, recordedBy: string): Promise<GroupDebrief> {
    return this.dataSource.transaction(async (manager) => {
      const debrief = await this.debriefs.loadForUpdate(manager, id);
      if (!debrief) throw new NotFoundException(`No group debrief ${id}.`);
      const transition = debriefOutcomeTransition(debrief.status, report);
      if ('kind' in transition) {
        if (transition.kind === 'invalid') throw new InvalidRequestException([{ field: transition.field, message: transition.message }]);
        throw new ConflictException(transition.message);
      }
      const closed = await this.debriefs.close(manager, id, transition.status, transition.attendanceBand, recordedBy);
      await this.outbox.enqueue(manager, GroupDebriefChanged, {
        debriefId: closed.id,
        status: closed.status,
        facility: closed.facility,
        clinicians: closed.clinicians,
        attendanceBand: closed.attendanceBand ?? undefined,
        at: closed.closedAt!,
      });
      return closed;
    });
  }
}
