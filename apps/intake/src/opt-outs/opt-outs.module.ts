import { Module } from '@nestjs/common';
import { SourceAuthModule } from '../source-auth/source-auth.module';
import { OptOutsController } from './opt-outs.controller';

@Module({ imports: [SourceAuthModule], controllers: [OptOutsController] })
export class OptOutsModule {}
