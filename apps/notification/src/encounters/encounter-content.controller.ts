import { Body, Controller, Get, Param, PipeTransform, Put } from '@nestjs/common';
import { Role, Roles } from '@harbor/auth';
import { InvalidRequestException } from '@harbor/service-runtime';
import { PutEncounterContentDto } from './encounter-content.dto';
import { EncounterContentStore } from './encounter-content-store';

/** Program ids as offers carry them (AssignmentOffered's `programId`). */
export const PROGRAM_ID = /^[a-z0-9][a-z0-9-]{0,49}$/;

export class ProgramIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!PROGRAM_ID.test(value)) throw new InvalidRequestException([{ field: 'program', message: 'program must be 1-50 lowercase letters, digits or -' }]);
    return value;
  }
}

/**
 * The conversation guide and resources a program's supporters see on the encounter page. A program without
 * content of its own shows the default program's, or the shipped defaults.
 */
@Controller('v1/programs/:program/encounter-content')
export class EncounterContentController {
  constructor(private readonly store: EncounterContentStore) {}

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async get(@Param('program', new ProgramIdPipe()) program: string) {
    return this.store.of(program);
  }

  /** Replaces the program's guide and resources; the next encounter page shows them. */
  @Put()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async put(@Param('program', new ProgramIdPipe()) program: string, @Body() dto: PutEncounterContentDto) {
    const content = { guide: dto.guide, resources: dto.resources.map(({ kind, label, phone, url }) => ({ kind, label, ...(phone ? { phone } : {}), ...(url ? { url } : {}) })) };
    await this.store.put(program, content);
    return this.store.of(program);
  }
}
