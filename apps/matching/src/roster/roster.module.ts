import { Module } from '@nestjs/common';
import { ProgramStaffController } from './program-staff.controller';
import { ProgramStaffStore } from './program-staff-store';
import { RecognitionController } from './recognition.controller';
import { RosterController } from './roster.controller';
import { SupporterAvailability } from './supporter-availability.usecase';
import { SupporterStore } from './supporter-store';
import { TrainingLapsesController } from './training-lapses.controller';
import { SendTrainingReminders } from './training-reminders.usecase';
import { UpsertSupporter } from './upsert-supporter.usecase';

/** The roster owns the supporters' tables; cases reserve capacity and read candidates through the exported SupporterStore. */
@Module({
  controllers: [RosterController, ProgramStaffController, TrainingLapsesController, RecognitionController],
  providers: [UpsertSupporter, SupporterAvailability, SendTrainingReminders, ProgramStaffStore, SupporterStore],
  exports: [ProgramStaffStore, SupporterStore],
})
export class RosterModule {}
