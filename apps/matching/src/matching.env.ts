import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ContactEncryptionKeys, DEVELOPMENT_CONTACT_ENCRYPTION_KEYS, ServiceEnv, IntSetting } from '@harbor/config';
import { DEPARTMENT_RULES, DepartmentRule, LANGUAGE_RULES, LanguageRule, PROFESSION_RULES, ProfessionRule } from './policy/policy';

const toIntList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => (/^\s*\d+\s*$/.test(item) ? Number(item) : Number.NaN)) : value;

export class MatchingEnv extends ServiceEnv {
  override HTTP_PORT = 3002;
  override METRICS_PORT = 9102;

  /** Default for every program: how long a supporter has to accept or decline an offer. */
  @IntSetting(1, 1440)
  MATCHING_ACK_TIMEOUT_MINUTES = 15;

  /**
   * Days a closed case keeps what identifies its clinician (identifier, directory link, event key, department,
   * absorbed triggers); then they are erased and only the case's status, times and outcome flags stay.
   */
  @IntSetting(1, 3650)
  MATCHING_CASE_RETENTION_DAYS = 30;

  /** Default: offers made for one case before it is escalated to the on-call coordinator. */
  @IntSetting(1, 50)
  MATCHING_MAX_OFFERS = 3;

  /** Default: minutes from a case's opening to escalation when nobody has accepted (RISE's 30-minute callback target). */
  @IntSetting(1, 10080)
  MATCHING_OVERALL_DEADLINE_MINUTES = 30;

  /** Default: follow-up reminders to the supporter, hours after the recorded contact (comma-separated). */
  @Transform(toIntList)
  @ArrayMinSize(0)
  @ArrayMaxSize(10)
  @IsInt({ each: true, message: 'must be a comma-separated list of whole hours' })
  @Min(1, { each: true })
  @Max(8760, { each: true })
  MATCHING_FOLLOW_UP_HOURS: number[] = [24, 72, 168];

  /** Default department rule: `avoid` (never the clinician's own department), `prefer` (same department first) or `any`. */
  @IsIn(DEPARTMENT_RULES)
  MATCHING_DEPARTMENT_RULE: DepartmentRule = 'any';

  /** Default profession rule: `prefer` (a peer of the same profession first) or `any`. */
  @IsIn(PROFESSION_RULES)
  MATCHING_PROFESSION_RULE: ProfessionRule = 'prefer';

  /** Default language rule: `require` (share a language when the clinician lists any) or `any`. */
  @IsIn(LANGUAGE_RULES)
  MATCHING_LANGUAGE_RULE: LanguageRule = 'require';

  /** Default id of the external resource offered to the clinician on escalation (e.g. a national physician support line). */
  @IsString()
  @MaxLength(100)
  @Matches(/^[A-Za-z0-9._:-]+$/, { message: 'may contain only letters, digits, ".", "_", ":" and "-"' })
  MATCHING_FALLBACK_RESOURCE = 'physician-support-line';

  /** Default: hours a supporter rests (is not offered cases) after accepting a case from a death or severe-harm event; 0 = no rest. */
  @IntSetting(0, 720)
  MATCHING_REST_AFTER_SEVERE_HOURS = 48;

  /** Default: cases a supporter may take per calendar month (UTC), held offers included; 0 = no cap. */
  @IntSetting(0, 100)
  MATCHING_MONTHLY_CASE_CAP = 4;

  /** Default: clinicians of one unit named by one event from which the program's coordinator is offered a group debrief. */
  @IntSetting(2, 50)
  MATCHING_GROUP_DEBRIEF_MIN_CLINICIANS = 3;

  /** Days before a supporter's training expires on which they and the program administrators get a reminder (comma-separated). */
  @Transform(toIntList)
  @ArrayMinSize(0)
  @ArrayMaxSize(5)
  @IsInt({ each: true, message: 'must be a comma-separated list of whole days' })
  @Min(1, { each: true })
  @Max(365, { each: true })
  MATCHING_TRAINING_REMINDER_DAYS: number[] = [30, 7];

  /** How often each replica looks for due deadlines (ms). Lower it in tests; deadlines are rows, so nothing is lost between ticks. */
  @IntSetting(50, 60_000)
  MATCHING_SCHEDULER_TICK_MS = 1000;

  /**
   * How often the cached "on call now" flag of every supporter is recomputed from schedules and ad-hoc
   * unavailability (seconds). Roster changes refresh their supporter at once; the policy re-checks
   * availability at decision time, so a stale flag can only hide a supporter for up to this long.
   */
  @IntSetting(1, 3600)
  MATCHING_AVAILABILITY_REFRESH_SECONDS = 30;

  /**
   * Keys that seal released contact details for notification (`<id>:<base64 of 32 bytes>`, comma-separated;
   * the first seals). Notification must hold the same keys. May come from CONTACT_ENCRYPTION_KEYS_FILE.
   */
  @ContactEncryptionKeys()
  CONTACT_ENCRYPTION_KEYS = DEVELOPMENT_CONTACT_ENCRYPTION_KEYS;
}
