import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { FhirController } from './fhir.controller';

@Module({
  imports: [TriggersModule],
  controllers: [FhirController],
})
export class FhirModule {}
