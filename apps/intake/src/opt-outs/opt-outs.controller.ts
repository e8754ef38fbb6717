import { Body, Controller, Delete, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { IdentifierV1 } from '@harbor/contracts';
import { PROGRAM_STAFF, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { ClinicianIdentifierDto } from '../http/identifier.dto';
import { BodyLimitGuard, JsonBodyGuard } from '../http/request-guards';
import { OptOutStore } from './opt-out-store';

/**
 * The opt-out registry: a clinician on it gets no proactive outreach (incidents, claim notices, colleague
 * referrals, triage assignments); a self-referral still works. Only the identifier and the time are kept,
 * and there is deliberately no route that lists who opted out. An opt-out is the clinician's choice, recorded
 * by program staff at their request: source systems (incident feeds) may neither add nor remove one. Staff can
 * check one identifier they already know (`GET /v1/opt-outs/check`), so the console can show a clinician's
 * choice before changing it without listing the registry.
 */
@Controller('v1/opt-outs')
export class OptOutsController {
  constructor(private readonly optOuts: OptOutStore) {}

  @Post()
  @HttpCode(204)
  @Roles(...PROGRAM_STAFF)
  @UseGuards(BodyLimitGuard, JsonBodyGuard)
  async optOut(@Body() body: ClinicianIdentifierDto): Promise<void> {
    await this.optOuts.add(body.identifier);
  }

  /** `DELETE /v1/opt-outs?system=…&value=…` (identifier systems are URIs, awkward in a path). */
  @Delete()
  @HttpCode(204)
  @Roles(...PROGRAM_STAFF)
  async optIn(@Query('system') system?: string, @Query('value') value?: string): Promise<void> {
    await this.optOuts.remove(identifierFromQuery(system, value));
  }

  /** `GET /v1/opt-outs/check?system=…&value=…`: whether this one identifier is on the registry, and since when. */
  @Get('check')
  @Roles(...PROGRAM_STAFF)
  async check(@Query('system') system?: string, @Query('value') value?: string) {
    const since = await this.optOuts.since(identifierFromQuery(system, value));
    return since ? { optedOut: true, since } : { optedOut: false };
  }
}

/** The identifier named by `system` and `value` query parameters, or a 422 naming what is wrong. */
function identifierFromQuery(system: unknown, value: unknown): IdentifierV1 {
  const usable = (text: unknown, max: number): text is string => typeof text === 'string' && text.length > 0 && text.length <= max && !text.includes('\u0000');
  const problems = [
    ...(usable(system, 200) ? [] : [{ field: 'system', message: 'is required (at most 200 characters)' }]),
    ...(usable(value, 100) ? [] : [{ field: 'value', message: 'is required (at most 100 characters)' }]),
  ];
  if (!usable(system, 200) || !usable(value, 100)) throw new InvalidRequestException(problems);
  return { system, value };
}
