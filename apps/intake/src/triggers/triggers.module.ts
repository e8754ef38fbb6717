import { Module } from '@nestjs/common';
import { RecordTrigger } from './record-trigger.usecase';

/** The one place a trigger of any kind is recorded and turned into support requests. */
@Module({
  providers: [RecordTrigger],
  exports: [RecordTrigger],
})
export class TriggersModule {}
