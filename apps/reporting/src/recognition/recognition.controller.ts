import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { Role, Roles } from '@harbor/auth';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { supporterKey } from '../facts/case-key';
import { ReportingEnv } from '../reporting.env';

export class RecognitionRequest {
  /** Supporter ids from the roster (matching's `/v1/roster/supporters`). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  supporterIds: string[];

  /** Calendar year to count (default: all years kept). */
  @IsOptional()
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

/**
 * Supporter recognition for the program director only: how many colleagues each supporter reached. The
 * director names the supporters (from the roster); reporting hashes each id with the configured key and
 * counts the facts carrying that key. No mapping from keys back to ids is stored anywhere in reporting,
 * and these per-supporter counts never appear in Q&S outputs, the CSV or the metrics topic.
 */
@Controller('v1/recognition')
export class RecognitionController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(SERVICE_ENV) private readonly env: ReportingEnv,
  ) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.ProgramDirector)
  async recognise(@Body() request: RecognitionRequest) {
    const ids = [...new Set(request.supporterIds)];
    const keys = ids.map((id) => supporterKey(this.env.REPORTING_HASH_KEY, id));
    const rows: { supporter_key: string; reached: number; accepted: number }[] = await this.dataSource.query(
      `SELECT "supporter_key", count(*) FILTER (WHERE "reached")::int AS "reached", count(*)::int AS "accepted"
         FROM "reporting"."case_facts"
        WHERE "supporter_key" = ANY($1) AND ($2::int IS NULL OR date_part('year', "opened_hour" AT TIME ZONE 'UTC') = $2)
        GROUP BY "supporter_key"`,
      [keys, request.year ?? null],
    );
    const byKey = new Map(rows.map((row) => [row.supporter_key, row]));
    return {
      year: request.year ?? null,
      supporters: ids.map((supporterId, i) => ({
        supporterId,
        colleaguesReached: byKey.get(keys[i])?.reached ?? 0,
        casesAccepted: byKey.get(keys[i])?.accepted ?? 0,
      })),
    };
  }
}
