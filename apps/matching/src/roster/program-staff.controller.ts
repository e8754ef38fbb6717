import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Body, Controller, Get, Param, Put, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role, Roles } from '@harbor/auth';
import { ChannelAddressV1 } from '@harbor/contracts';
import { ProgramStaffStore } from './program-staff-store';
import { SupporterIdPipe } from './roster.controller';

export const PROGRAM_ROLES = ['director', 'administrator', 'on-call-coordinator'] as const;

export class PutProgramStaffDto {
  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,60}$/, { message: 'program may contain only letters, digits, ".", "_" and "-"' })
  program = 'default';

  @IsIn(PROGRAM_ROLES)
  role: (typeof PROGRAM_ROLES)[number];

  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  /** How to page this person (escalations go to on-call coordinators), in preferred order. */
  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChannelAddressV1)
  channels: ChannelAddressV1[];

  /** Inactive staff keep their record but are never paged (e.g. a coordinator off rotation). */
  @IsOptional()
  @IsBoolean()
  active = true;
}

/** The program's people: director, administrator and on-call coordinators (who receive escalation pages). */
@Controller('v1/program-staff')
export class ProgramStaffController {
  constructor(private readonly staff: ProgramStaffStore) {}

  @Put(':id')
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async put(@Param('id', SupporterIdPipe) id: string, @Body() dto: PutProgramStaffDto, @Res({ passthrough: true }) response: Response) {
    const inserted = await this.staff.save({ id, program: dto.program, role: dto.role, displayName: dto.displayName, channels: dto.channels, active: dto.active });
    response.status(inserted ? 201 : 200);
    return { id, program: dto.program, role: dto.role, active: dto.active };
  }

  @Get()
  @Roles(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Query('program') program?: string) {
    return { staff: await this.staff.list(program) };
  }
}
