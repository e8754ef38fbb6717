import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  AssignmentPaged, AssignmentPagedV1, AssignmentResponded, AssignmentRespondedV1, AssignmentUndeliverable, AssignmentUndeliverableV1, EncounterRecorded, EncounterRecordedV1, SupportRequested,
  SupportRequestedV1,
} from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { OpenCase } from './open-case.usecase';
import { RecordEncounter } from './record-encounter.usecase';
import { RecordResponse } from './record-response.usecase';

/** The events that move a case: each handler runs in the transaction that records its event as processed. */
@Controller()
export class CaseEventsController {
  constructor(
    private readonly openCase: OpenCase,
    private readonly recordResponse: RecordResponse,
    private readonly recordEncounter: RecordEncounter,
  ) {}

  @ConsumesEvent(SupportRequested)
  async supportRequested(@Payload() event: InboundEvent<SupportRequestedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.openCase.execute(context.manager, event.payload);
  }

  @ConsumesEvent(AssignmentResponded)
  async assignmentResponded(@Payload() event: InboundEvent<AssignmentRespondedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.recordResponse.execute(context.manager, event.payload);
  }

  /** Notification tried every channel of the supporter and none worked: move on to the next supporter. */
  @ConsumesEvent(AssignmentUndeliverable)
  async assignmentUndeliverable(@Payload() event: InboundEvent<AssignmentUndeliverableV1>, @Ctx() context: EventContext): Promise<void> {
    await this.recordResponse.undeliverable(context.manager, event.payload);
  }

  /** The supporter's page reached a provider: the acknowledgement clock starts. */
  @ConsumesEvent(AssignmentPaged)
  async assignmentPaged(@Payload() event: InboundEvent<AssignmentPagedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.recordResponse.paged(context.manager, event.payload);
  }

  /** The supporter recorded their encounter on notification's page: an outcome report as that assignment's supporter. */
  @ConsumesEvent(EncounterRecorded)
  async encounterRecorded(@Payload() event: InboundEvent<EncounterRecordedV1>, @Ctx() context: EventContext): Promise<void> {
    await this.recordEncounter.execute(context.manager, event.payload);
  }
}
