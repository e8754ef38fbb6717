import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsTimeZone, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min,
  ValidateNested,
} from 'class-validator';
import { ChannelAddressV1, IdentifierV1 } from '@harbor/contracts';
import { IsRfc3339 } from '@harbor/input';

export const SUPPORTER_STATUSES = ['active', 'paused'] as const;

export class UpsertSupporterDto {
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'id may contain only letters, digits, ".", "_" and "-"' })
  id: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  profession: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  department?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  facility?: string;

  /** The supporter's own directory identifier, so they are never matched to themselves. */
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentifierV1)
  clinicianIdentifier?: IdentifierV1;

  @IsIn(SUPPORTER_STATUSES)
  status: (typeof SUPPORTER_STATUSES)[number] = 'active';

  /**
   * Last day the supporter's peer-support training is current (YYYY-MM-DD). Optional: training can instead
   * be recorded with POST /v1/roster/supporters/:id/training. A supporter without current training is never matched.
   */
  @IsOptional()
  @IsRfc3339()
  trainingExpiresOn?: string;

  /** The program whose pool the supporter belongs to. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program = 'default';

  /** Languages the supporter can hold a conversation in (BCP 47 primary tags, e.g. "en", "es"). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z]{2,3}$/, { each: true, message: 'each language must be a lower-case ISO 639 code, e.g. "en"' })
  languages: string[] = [];

  /** IANA time zone of the supporter's weekly schedule, e.g. "America/Chicago". */
  @IsOptional()
  @IsTimeZone()
  timeZone = 'UTC';

  /** The supporter withdrew from the program (kept for history, never matched); distinct from a temporary pause. */
  @IsOptional()
  @IsBoolean()
  optedOut = false;

  /**
   * Care for the carers: the supporter opted in to more cases during the rest period that follows a case from
   * a death or severe-harm event (the program's restAfterSevereHours). Off by default: they rest.
   */
  @IsOptional()
  @IsBoolean()
  acceptsCasesWhileResting = false;

  /**
   * The supporter agreed to be named, with what they did that year, on the program's end-of-year recognition list
   * (GET /v1/roster/recognition, director only). Off by default; a replace without it withdraws the consent.
   */
  @IsOptional()
  @IsBoolean()
  recognitionConsent = false;

  @IsInt()
  @Min(1)
  @Max(20)
  maxOpenCases = 2;

  /** How to page the supporter, in preferred order. */
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => ChannelAddressV1)
  channels: ChannelAddressV1[];
}

/** GET /v1/roster/supporters: the roster, by id, one page at a time. */
export class ListSupportersQuery {
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program?: string;

  @IsOptional()
  @IsIn(SUPPORTER_STATUSES, { message: `status must be one of ${SUPPORTER_STATUSES.join(', ')}` })
  status?: (typeof SUPPORTER_STATUSES)[number];

  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 100;

  /** The last id of the previous page (`next` in its answer). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'after must be a supporter id' })
  after?: string;
}
