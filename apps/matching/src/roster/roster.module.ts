import { Module } from '@nestjs/common';
import { RosterController } from './roster.controller';
import { UpsertSupporter } from './upsert-supporter.usecase';

@Module({ controllers: [RosterController], providers: [UpsertSupporter] })
export class RosterModule {}
