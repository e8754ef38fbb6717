import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CaseLifecycle, CaseLifecycleV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { RecordCaseFact } from './record-case-fact.usecase';

@Injectable()
export class CaseLifecycleHandler implements EventHandler<CaseLifecycleV1> {
  readonly definition = CaseLifecycle;
  constructor(private readonly recordCaseFact: RecordCaseFact) {}

  async handle(event: InboundEvent<CaseLifecycleV1>, manager: EntityManager): Promise<void> {
    await this.recordCaseFact.execute(manager, event.payload);
  }
}
