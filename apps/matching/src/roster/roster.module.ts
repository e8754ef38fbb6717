import { Module } from '@nestjs/common';
import { ProgramStaffController } from './program-staff.controller';
import { RosterController } from './roster.controller';
import { SupporterAvailability } from './supporter-availability.usecase';
import { UpsertSupporter } from './upsert-supporter.usecase';

@Module({ controllers: [RosterController, ProgramStaffController], providers: [UpsertSupporter, SupporterAvailability] })
export class RosterModule {}
