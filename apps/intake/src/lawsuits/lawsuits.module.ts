import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { TriggersModule } from '../triggers/triggers.module';
import { LawsuitNotifiedHandler } from './lawsuit-notified.handler';
import { LawsuitsController } from './lawsuits.controller';

@Module({
  imports: [TriggersModule, SourceAuthModule],
  controllers: [LawsuitsController, LawsuitNotifiedHandler],
})
export class LawsuitsModule {}
