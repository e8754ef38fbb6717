import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { ReferralsController } from './referrals.controller';

@Module({
  imports: [TriggersModule],
  controllers: [ReferralsController],
})
export class ReferralsModule {}
