import { Body, Controller, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role, Roles } from '@harbor/auth';
import { UpsertClinicianDto } from './clinician.dto';
import { UpsertClinician } from './upsert-clinician.usecase';

@Controller('v1/directory/clinicians')
export class DirectoryController {
  constructor(private readonly upsertClinician: UpsertClinician) {}

  @Post()
  @Roles(Role.ProgramAdmin)
  async upsert(@Body() dto: UpsertClinicianDto, @Res({ passthrough: true }) response: Response) {
    const result = await this.upsertClinician.execute(dto);
    response.status(result.created ? 201 : 200);
    return { id: result.id };
  }
}
