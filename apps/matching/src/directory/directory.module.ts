import { Module } from '@nestjs/common';
import { DirectoryController } from './directory.controller';
import { UpsertClinician } from './upsert-clinician.usecase';

@Module({ controllers: [DirectoryController], providers: [UpsertClinician] })
export class DirectoryModule {}
