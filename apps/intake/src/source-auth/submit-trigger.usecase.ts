import { ForbiddenException, Injectable } from '@nestjs/common';
import { Principal, Role } from '@harbor/auth';
import { NormalizedTrigger } from '../triggers/normalized-trigger';
import { RecordTrigger } from '../triggers/record-trigger.usecase';
import { SourceRegistry } from './source-registry';

/**
 * A trigger a source system submitted over HTTP (FHIR, native incident, claim notice): refused with 403 unless
 * the caller may speak for the trigger's `source`, then recorded like any other. It returns nothing on purpose:
 * what was decided for the clinicians never reaches the caller (see `ACCEPTED`).
 */
@Injectable()
export class SubmitTrigger {
  constructor(
    private readonly recordTrigger: RecordTrigger,
    private readonly registry: SourceRegistry,
  ) {}

  async execute(caller: Principal | undefined, trigger: NormalizedTrigger): Promise<void> {
    if (caller?.roles.includes(Role.SourceSystem)) {
      const decision = this.registry.mayReportFor(caller.subject, trigger.source);
      if (!decision.allowed) throw new ForbiddenException(`${decision.problem}.`);
    }
    await this.recordTrigger.executeInOwnTransaction(trigger);
  }
}
