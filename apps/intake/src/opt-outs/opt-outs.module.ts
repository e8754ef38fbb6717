import { Module } from '@nestjs/common';
import { OptOutStore } from './opt-out-store';
import { OptOutsController } from './opt-outs.controller';

@Module({
  controllers: [OptOutsController],
  providers: [OptOutStore],
  exports: [OptOutStore],
})
export class OptOutsModule {}
