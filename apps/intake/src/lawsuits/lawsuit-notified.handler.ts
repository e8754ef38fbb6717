import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { LawsuitNotified, LawsuitNotifiedV1 } from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { rejectUnsafeText } from '../http/unsafe-text';
import { fromLawsuitNotice } from '../triggers/native-mappers';
import { RecordTrigger } from '../triggers/record-trigger.usecase';

/** `lawsuits.notified.v1` → the same use case as POST /v1/lawsuits (plain JSON records read as this event too). */
@Controller()
export class LawsuitNotifiedHandler {
  constructor(private readonly recordTrigger: RecordTrigger) {}

  @ConsumesEvent(LawsuitNotified, { readsPlainRecords: true })
  async lawsuitNotified(@Payload() event: InboundEvent<LawsuitNotifiedV1>, @Ctx() context: EventContext): Promise<void> {
    rejectUnsafeText(event.type, event.payload);
    await this.recordTrigger.execute(context.manager, fromLawsuitNotice(event.payload));
  }
}
