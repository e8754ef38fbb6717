import { Transform } from 'class-transformer';
import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { ServiceEnv, toInt } from '@harbor/config';
import { HARM_LEVELS, HarmLevel } from '@harbor/contracts';

export class IntakeEnv extends ServiceEnv {
  /** 0 picks any free port (used by tests). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3001;

  /** Largest accepted request body on the HTTP routes; larger ones answer 413. */
  @Matches(/^\d+(b|kb|mb)$/i, { message: 'must be a size such as 256kb or 1mb' })
  INTAKE_BODY_LIMIT = '256kb';

  /** Incidents at or above this harm level lead to outreach; below it (e.g. near misses) they are recorded only. */
  @IsIn(HARM_LEVELS)
  INTAKE_MIN_HARM_LEVEL: HarmLevel = 'mild';
}
