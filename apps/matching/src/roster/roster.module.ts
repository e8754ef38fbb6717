import { Module } from '@nestjs/common';
import { ProgramStaffController } from './program-staff.controller';
import { ProgramStaffStore } from './program-staff-store';
import { RosterController } from './roster.controller';
import { SupporterAvailability } from './supporter-availability.usecase';
import { UpsertSupporter } from './upsert-supporter.usecase';

@Module({
  controllers: [RosterController, ProgramStaffController],
  providers: [UpsertSupporter, SupporterAvailability, ProgramStaffStore],
  exports: [ProgramStaffStore],
})
export class RosterModule {}
