import { Controller, Get, Query } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { Role, Roles } from '@harbor/auth';
import { SupporterStore } from './supporter-store';

export class RecognitionQuery {
  /** Calendar year (UTC) to recognise; default the current one. */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program?: string;
}

/**
 * The end-of-year recognition list for the program's celebration, for the program director only: the supporters
 * who consented to be named (`recognitionConsent` on the roster), each with the cases they accepted that year and
 * the colleagues they reached. Counted here from matching's own assignments, where the supporters' names are, so no
 * name travels to reporting and no key travels back; no clinician, case or supporter id is in the answer.
 */
@Controller('v1/roster/recognition')
export class RecognitionController {
  constructor(private readonly supporters: SupporterStore) {}

  @Get()
  @Roles(Role.ProgramDirector)
  async list(@Query() query: RecognitionQuery) {
    const year = query.year ?? new Date().getUTCFullYear();
    return { year, program: query.program ?? null, supporters: await this.supporters.recognitionList(year, query.program) };
  }
}
