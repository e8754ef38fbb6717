import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { GroupDebriefChanged, GroupDebriefChangedV1 } from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { PseudonymKey } from '../reporting.settings';
import { debriefKey, truncateToHour } from './case-key';
import { DebriefFactStore } from './debrief-fact-store';

/**
 * Every change of a group debrief folds into its pseudonymous fact row: the id is replaced by a keyed
 * hash, the time truncated to the hour; the clinician count is not kept (the report has no use for it and
 * a precise count next to a small unit says too much).
 */
@Controller()
export class GroupDebriefHandler {
  constructor(
    private readonly key: PseudonymKey,
    private readonly facts: DebriefFactStore,
  ) {}

  @ConsumesEvent(GroupDebriefChanged)
  async debriefChanged(@Payload() event: InboundEvent<GroupDebriefChangedV1>, @Ctx() context: EventContext): Promise<void> {
    const change = event.payload;
    await this.facts.record(context.manager, debriefKey(this.key.secret, change.debriefId), {
      facility: change.facility, hour: truncateToHour(change.at), status: change.status, attendanceBand: change.status === 'held' ? (change.attendanceBand ?? null) : null,
    });
  }
}
