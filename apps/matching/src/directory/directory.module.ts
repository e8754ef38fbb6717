import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller';
import { ImportClinicians } from './import/import-clinicians.usecase';
import { UpsertClinician } from './upsert-clinician.usecase';

@Module({ controllers: [DirectoryController], providers: [UpsertClinician, ImportClinicians] })
export class DirectoryModule {}
