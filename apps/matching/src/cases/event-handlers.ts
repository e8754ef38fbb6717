import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AssignmentPaged, AssignmentPagedV1, AssignmentResponded, AssignmentRespondedV1, AssignmentUndeliverable, AssignmentUndeliverableV1, SupportRequested, SupportRequestedV1,
} from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { OpenCase } from './open-case.usecase';
import { RecordResponse } from './record-response.usecase';

@Injectable()
export class SupportRequestedHandler implements EventHandler<SupportRequestedV1> {
  readonly definition = SupportRequested;
  constructor(private readonly openCase: OpenCase) {}

  async handle(event: InboundEvent<SupportRequestedV1>, manager: EntityManager): Promise<void> {
    await this.openCase.execute(manager, event.payload);
  }
}

@Injectable()
export class AssignmentRespondedHandler implements EventHandler<AssignmentRespondedV1> {
  readonly definition = AssignmentResponded;
  constructor(private readonly recordResponse: RecordResponse) {}

  async handle(event: InboundEvent<AssignmentRespondedV1>, manager: EntityManager): Promise<void> {
    await this.recordResponse.execute(manager, event.payload);
  }
}

/** Notification tried every channel of the supporter and none worked: move on to the next supporter. */
@Injectable()
export class AssignmentUndeliverableHandler implements EventHandler<AssignmentUndeliverableV1> {
  readonly definition = AssignmentUndeliverable;
  constructor(private readonly recordResponse: RecordResponse) {}

  async handle(event: InboundEvent<AssignmentUndeliverableV1>, manager: EntityManager): Promise<void> {
    await this.recordResponse.undeliverable(manager, event.payload);
  }
}

/** The supporter's page reached a provider: the acknowledgement clock starts. */
@Injectable()
export class AssignmentPagedHandler implements EventHandler<AssignmentPagedV1> {
  readonly definition = AssignmentPaged;
  constructor(private readonly recordResponse: RecordResponse) {}

  async handle(event: InboundEvent<AssignmentPagedV1>, manager: EntityManager): Promise<void> {
    await this.recordResponse.paged(manager, event.payload);
  }
}
