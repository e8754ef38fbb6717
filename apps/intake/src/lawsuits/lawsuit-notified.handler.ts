import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LawsuitNotified, LawsuitNotifiedV1 } from '@harbor/contracts';
import { EventHandler, InboundEvent } from '@harbor/messaging';
import { rejectUnsafeText } from '../http/unsafe-text';
import { fromLawsuitNotice } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

/** `lawsuits.notified.v1` → the same use case as POST /v1/lawsuits. */
@Injectable()
export class LawsuitNotifiedHandler implements EventHandler<LawsuitNotifiedV1> {
  readonly definition = LawsuitNotified;

  constructor(private readonly recordTrigger: RecordTrigger) {}

  async handle(event: InboundEvent<LawsuitNotifiedV1>, manager: EntityManager): Promise<void> {
    rejectUnsafeText(event.type, event.payload);
    await this.recordTrigger.execute(manager, fromLawsuitNotice(event.payload));
  }
}
