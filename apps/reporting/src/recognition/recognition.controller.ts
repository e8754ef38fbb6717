import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Role, Roles } from '@harbor/auth';
import { RecogniseSupporters } from './recognise-supporters.usecase';

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
  constructor(private readonly recognise: RecogniseSupporters) {}

  @Post()
  @HttpCode(200)
  @Roles(Role.ProgramDirector)
  async recognition(@Body() request: RecognitionRequest) {
    return { year: request.year ?? null, supporters: await this.recognise.execute(request.supporterIds, request.year ?? null) };
  }
}
