import { Transform } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ServiceEnv, toInt } from '@harbor/config';

export class MatchingEnv extends ServiceEnv {
  /** 0 picks any free port (used by tests). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 3002;

  /** How long a supporter has to accept or decline an offer. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  MATCHING_ACK_TIMEOUT_MINUTES = 15;

  /** Offers made for one case before it is escalated to the on-call coordinator. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  MATCHING_MAX_OFFERS = 3;
}
