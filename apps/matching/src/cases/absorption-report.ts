import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { afterCommit } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER } from '@harbor/service-runtime';

export interface Absorption {
  caseId: string;
  requestId: string;
}

/**
 * Logs and counts absorbed requests once their transaction has committed: a consumer batch that is rolled
 * back and applied again record by record must not report its absorptions twice. Log lines carry the case id
 * and the request id only, never a clinician identifier.
 */
@Injectable()
export class AbsorptionReport {
  private readonly absorbed: Counter;

  constructor(
    metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.absorbed = new Counter({
      name: 'harbor_matching_requests_absorbed_total',
      help: 'Support requests absorbed into the clinician\'s open case (no new case, nobody paged).',
      registers: [metrics.registry],
    });
  }

  /** Reports the absorption when the caller's transaction commits (at once outside a transaction). */
  noteAbsorbed(manager: EntityManager, absorption: Absorption): void {
    if (!afterCommit(manager, () => this.report(absorption))) this.report(absorption);
  }

  private report({ caseId, requestId }: Absorption): void {
    this.logger.info({ caseId, requestId }, 'support request absorbed into the open case; nobody paged');
    this.absorbed.inc();
  }
}
