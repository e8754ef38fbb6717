import { DynamicModule, Module } from '@nestjs/common';
import { settingsModule } from '@harbor/service-runtime';
import { Granularity } from './metrics/periods';
import { PlaceVocabulary } from './metrics/places';
import { ScheduleSettings } from './metrics/release-ledger';
import { ReportingEnv } from './reporting.env';

/** The key that turns case and supporter ids into pseudonyms (facts, recognition). */
export class PseudonymKey {
  constructor(readonly secret: string) {}
}

/** How releases are built and when periods are fixed (the ledger, the report API, the CSV). */
export class ReleaseSchedule implements ScheduleSettings {
  constructor(
    readonly minCellSize: number,
    readonly vocabulary: PlaceVocabulary,
    readonly delayDays: number,
    readonly granularity: 'auto' | Granularity,
  ) {}
}

/** How often fixed releases are written to support.metrics.v1, and how many calendar years back. */
export class PublicationSchedule {
  constructor(
    readonly intervalSeconds: number,
    readonly years: number,
  ) {}
}

/** How the program names itself on what reporting prints (the program at a glance sheet). */
export class ProgramIdentity {
  constructor(readonly name: string) {}
}

/**
 * Turns reporting's settings into one typed object per feature, so a feature holds only what it uses and no
 * feature reads REPORTING_* names.
 */
@Module({})
export class ReportingSettingsModule {
  static forRoot(env: ReportingEnv): DynamicModule {
    return settingsModule(ReportingSettingsModule, [
      new PseudonymKey(env.REPORTING_HASH_KEY),
      new ReleaseSchedule(
        env.REPORTING_MIN_CELL_SIZE, new PlaceVocabulary(env.REPORTING_FACILITIES, env.REPORTING_DEPARTMENTS),
        env.REPORTING_RELEASE_DELAY_DAYS, env.REPORTING_RELEASE_GRANULARITY,
      ),
      new PublicationSchedule(env.REPORTING_PUBLISH_INTERVAL_SECONDS, env.REPORTING_PUBLISH_YEARS),
      new ProgramIdentity(env.REPORTING_PROGRAM_NAME.trim()),
    ]);
  }
}
