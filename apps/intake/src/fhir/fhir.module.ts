import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { FhirController } from './fhir.controller';

@Module({
  imports: [SourceAuthModule],
  controllers: [FhirController],
})
export class FhirModule {}
