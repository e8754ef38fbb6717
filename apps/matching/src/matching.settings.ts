import { DynamicModule, Module } from '@nestjs/common';
import { KeyRing, parseKeyRing } from '@harbor/crypto';
import { settingsModule } from '@harbor/service-runtime';
import { MatchingEnv } from './matching.env';
import { MatchingPolicy } from './policy/policy';

/** The policy every program starts from; PUT /v1/policy overrides it per program. */
export function defaultPolicy(env: MatchingEnv): MatchingPolicy {
  return {
    departmentRule: env.MATCHING_DEPARTMENT_RULE,
    professionRule: env.MATCHING_PROFESSION_RULE,
    languageRule: env.MATCHING_LANGUAGE_RULE,
    ackTimeoutSeconds: env.MATCHING_ACK_TIMEOUT_MINUTES * 60,
    overallDeadlineSeconds: env.MATCHING_OVERALL_DEADLINE_MINUTES * 60,
    maxOffers: env.MATCHING_MAX_OFFERS,
    followUpSeconds: env.MATCHING_FOLLOW_UP_HOURS.map((hours) => hours * 3600),
    fallbackResource: env.MATCHING_FALLBACK_RESOURCE,
    restAfterSevereHours: env.MATCHING_REST_AFTER_SEVERE_HOURS,
    monthlyCaseCap: env.MATCHING_MONTHLY_CASE_CAP,
    groupDebriefMinClinicians: env.MATCHING_GROUP_DEBRIEF_MIN_CLINICIANS,
  };
}

/** The policy every program starts from (environment defaults, overridden per program with PUT /v1/policy). */
export class PolicyDefaults {
  constructor(readonly policy: MatchingPolicy) {}
}

/** The keys that seal a released contact for notification (CONTACT_ENCRYPTION_KEYS). */
export class ContactKeys {
  constructor(readonly ring: KeyRing) {}
}

/** How often the deadline scheduler looks for due deadlines, and recomputes who is available. */
export class SchedulerSettings {
  constructor(
    readonly databaseUrl: string,
    readonly tickMs: number,
    readonly availabilityRefreshSeconds: number,
  ) {}
}

/** How long a closed case keeps what identifies its clinician (MATCHING_CASE_RETENTION_DAYS). */
export class CaseRetention {
  constructor(readonly days: number) {}
}

/** Days before a supporter's training expires on which reminders go out (MATCHING_TRAINING_REMINDER_DAYS), largest first. */
export class TrainingReminderSettings {
  readonly days: number[];

  constructor(days: number[]) {
    this.days = [...new Set(days)].sort((a, b) => b - a);
  }
}

/**
 * Turns matching's settings into one typed object per feature, so a feature holds only what it uses and no
 * feature reads MATCHING_* names.
 */
@Module({})
export class MatchingSettingsModule {
  static forRoot(env: MatchingEnv): DynamicModule {
    return settingsModule(MatchingSettingsModule, [
      new PolicyDefaults(defaultPolicy(env)),
      new ContactKeys(parseKeyRing(env.CONTACT_ENCRYPTION_KEYS)),
      new SchedulerSettings(env.DATABASE_URL, env.MATCHING_SCHEDULER_TICK_MS, env.MATCHING_AVAILABILITY_REFRESH_SECONDS),
      new CaseRetention(env.MATCHING_CASE_RETENTION_DAYS),
      new TrainingReminderSettings(env.MATCHING_TRAINING_REMINDER_DAYS),
    ]);
  }
}
