import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { TriggersModule } from '../triggers/triggers.module';
import { FhirController } from './fhir.controller';

@Module({
  imports: [TriggersModule, SourceAuthModule],
  controllers: [FhirController],
})
export class FhirModule {}
