import { Module } from '@nestjs/common';
import { seconds, ThrottlerModule } from '@nestjs/throttler';
import { SelfReferralSettings } from '../intake.settings';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { TriggersModule } from '../triggers/triggers.module';
import { FormTokens } from './form-token';
import { OutreachMaterialsController } from './outreach-materials.controller';
import { RecordReferral } from './record-referral.usecase';
import { ReferralsController } from './referrals.controller';
import { SelfReferralPageController } from './self-referral-page.controller';
import { clientOf, SELF_REFERRAL_THROTTLER } from './self-referral-throttle';

@Module({
  imports: [
    TriggersModule,
    SourceAuthModule,
    // In memory, per replica: INTAKE_REFER_RATE_LIMIT posts per INTAKE_REFER_RATE_WINDOW_SECONDS per client.
    ThrottlerModule.forRootAsync({
      inject: [SelfReferralSettings],
      useFactory: (settings: SelfReferralSettings) => ({
        throttlers: [{ name: SELF_REFERRAL_THROTTLER, limit: settings.rateLimit, ttl: seconds(settings.rateWindowSeconds) }],
        getTracker: clientOf(settings),
      }),
    }),
  ],
  controllers: [ReferralsController, SelfReferralPageController, OutreachMaterialsController],
  providers: [
    RecordReferral,
    { provide: FormTokens, inject: [SelfReferralSettings], useFactory: (settings: SelfReferralSettings) => new FormTokens(settings.formSecret, settings.secureCookies) },
  ],
})
export class ReferralsModule {}
