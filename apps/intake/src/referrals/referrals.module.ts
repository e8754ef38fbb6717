import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { TriggersModule } from '../triggers/triggers.module';
import { ReferralsController } from './referrals.controller';

@Module({
  imports: [TriggersModule, SourceAuthModule],
  controllers: [ReferralsController],
})
export class ReferralsModule {}
