import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { LawsuitNotifiedHandler } from './lawsuit-notified.handler';
import { LawsuitsController } from './lawsuits.controller';

@Module({
  imports: [TriggersModule],
  controllers: [LawsuitsController],
  providers: [LawsuitNotifiedHandler],
})
export class LawsuitsModule {}
