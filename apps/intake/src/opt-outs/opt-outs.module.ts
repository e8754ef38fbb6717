import { Module } from '@nestjs/common';
import { OptOutsController } from './opt-outs.controller';

@Module({ controllers: [OptOutsController] })
export class OptOutsModule {}
