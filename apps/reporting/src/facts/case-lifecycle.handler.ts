import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { CaseLifecycle, CaseLifecycleV1 } from '@harbor/contracts';
import { InboundEvent } from '@harbor/messaging';
import { ConsumesEvent, EventContext } from '@harbor/service-runtime';
import { RecordCaseFact } from './record-case-fact.usecase';

/** Every lifecycle change of a case folds into its pseudonymous fact row. */
@Controller()
export class CaseLifecycleHandler {
  constructor(private readonly recordCaseFact: RecordCaseFact) {}

  @ConsumesEvent(CaseLifecycle)
  async caseChanged(@Payload() event: InboundEvent<CaseLifecycleV1>, @Ctx() context: EventContext): Promise<void> {
    await this.recordCaseFact.execute(context.manager, event.payload);
  }
}
