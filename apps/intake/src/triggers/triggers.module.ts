import { Module } from '@nestjs/common';
import { OptOutsModule } from '../opt-outs/opt-outs.module';
import { TriageStore } from '../triage/triage-store';
import { ForgetOnTime } from './forget-on-time.usecase';
import { RecordTrigger } from './record-trigger.usecase';
import { TriggerPolicyController } from './trigger-policy.controller';
import { TriggerPolicyStore } from './trigger-policy-store';
import { TriggerStore } from './trigger-store';

/** The one place a trigger of any kind is recorded and turned into support requests. */
@Module({
  imports: [OptOutsModule],
  controllers: [TriggerPolicyController],
  providers: [RecordTrigger, TriggerStore, TriggerPolicyStore, TriageStore, ForgetOnTime],
  exports: [RecordTrigger, TriageStore, ForgetOnTime, TriggerPolicyStore],
})
export class TriggersModule {}
