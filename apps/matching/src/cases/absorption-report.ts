import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { afterCommit } from '@harbor/persistence';
import { LOGGER } from '@harbor/service-runtime';

export interface Absorption {
  caseId: string;
  requestId: string;
}

/**
 * Logs absorbed requests once their transaction has committed: a consumer batch that is rolled back and
 * applied again record by record must not report its absorptions twice. Log lines carry the case id and the
 * request id only, never a clinician identifier. There is deliberately no Prometheus counter: an absorption
 * means one clinician was named in a second event while their case was open, and a live count of that would
 * say when it happened to somebody. Program staff see absorptions on the case (GET /v1/cases/:id).
 */
@Injectable()
export class AbsorptionReport {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  /** Reports the absorption when the caller's transaction commits (at once outside a transaction). */
  noteAbsorbed(manager: EntityManager, absorption: Absorption): void {
    if (!afterCommit(manager, () => this.report(absorption))) this.report(absorption);
  }

  private report({ caseId, requestId }: Absorption): void {
    this.logger.info({ caseId, requestId }, 'support request absorbed into the open case; nobody paged');
  }
}
