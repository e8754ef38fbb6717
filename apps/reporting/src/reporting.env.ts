import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsString, Matches, MinLength } from 'class-validator';
import { NotDevelopmentDefaultInProduction, ServiceEnv, IntSetting, toList } from '@harbor/config';
import { GRANULARITIES, Granularity } from './metrics/periods';
import { PLACE_ID_PATTERN, PLACE_ID_RULE } from './metrics/places';

export class ReportingEnv extends ServiceEnv {
  override HTTP_PORT = 3004;
  override METRICS_PORT = 9104;

  /**
   * Reporting is off the page's path: its fetches wait up to the heartbeat interval (1 s) for 64 KiB of events, so
   * at a trickle it applies a second's events in one transaction instead of one transaction per event.
   */
  override KAFKA_FETCH_MIN_BYTES = 64 * 1024;

  /**
   * Key for the keyed hash that turns case ids into reporting keys. Kept in configuration (a secret),
   * never in the reporting schema, so the facts cannot be joined back to cases without it.
   */
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters' })
  @NotDevelopmentDefaultInProduction('harbor-development-reporting-key', 'dev-only-reporting-hash-key-CHANGE-ME-0001')
  REPORTING_HASH_KEY = 'harbor-development-reporting-key';

  /** Minimum cell size: no published count between 1 and k-1, no statistic from fewer than k cases. */
  @IntSetting(2, 100)
  REPORTING_MIN_CELL_SIZE = 11;

  /**
   * How often (seconds) the protected period releases are published to support.metrics.v1; 0 turns
   * publication off. With several replicas one publishes per interval (a row lock decides).
   */
  @IntSetting(0, 604800)
  REPORTING_PUBLISH_INTERVAL_SECONDS = 3600;

  /** Calendar years published each time: the current year and the ones before it (1 = current only). */
  @IntSetting(1, 10)
  REPORTING_PUBLISH_YEARS = 2;

  /**
   * Days after a period ends before its release is fixed (late lifecycle events are counted until then).
   * A fixed release never changes, so nobody can subtract one release of a period from a later one.
   */
  @IntSetting(0, 366)
  REPORTING_RELEASE_DELAY_DAYS = 14;

  /** `auto` chooses each year's granularity from the volumes (see docs/reporting.md); or one fixed granularity. */
  @IsIn(['auto', ...GRANULARITIES])
  REPORTING_RELEASE_GRANULARITY: 'auto' | Granularity = 'auto';

  /** Facilities reporting may name (comma-separated ids); any other facility is published as "other". */
  @Transform(toList)
  @IsArray()
  @Matches(PLACE_ID_PATTERN, { each: true, message: `each facility ${PLACE_ID_RULE}` })
  REPORTING_FACILITIES: string[] = [];

  /** Departments reporting may name, in any facility; any other department is published as "other". */
  @Transform(toList)
  @IsArray()
  @Matches(PLACE_ID_PATTERN, { each: true, message: `each department ${PLACE_ID_RULE}` })
  REPORTING_DEPARTMENTS: string[] = [];

  /**
   * The program's name as the "program at a glance" sheet prints it (set it to intake's INTAKE_PROGRAM_NAME). The
   * PDF uses the standard PDF fonts, which cover Western European letters only, hence the character set.
   */
  @Matches(/^(?=.*[^\s\u00A0])[\x20-\x7E\u00A0-\u00FF\u2013\u2014\u2018\u2019\u201C\u201D]{2,60}$/, {
    message: 'must be 2–60 characters of Western European text (the PDF\'s standard fonts), e.g. RISE Peer Support',
  })
  REPORTING_PROGRAM_NAME = 'Peer support';
}
