import { Module } from '@nestjs/common';
import { PolicyController } from './policy.controller';
import { ProgramPolicies } from './program-policies';

@Module({ controllers: [PolicyController], providers: [ProgramPolicies], exports: [ProgramPolicies] })
export class PolicyModule {}
