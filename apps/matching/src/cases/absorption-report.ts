import { Inject, Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { Logger } from 'pino';
import { ServiceMetrics } from '@harbor/observability';
import { LOGGER } from '@harbor/service-runtime';

/** Absorptions a transaction made, kept on its query runner until it commits. */
const PENDING_ABSORPTIONS = 'matchingPendingAbsorptions';

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
    @Inject(DataSource) dataSource: DataSource,
    metrics: ServiceMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.absorbed = new Counter({
      name: 'harbor_matching_requests_absorbed_total',
      help: 'Support requests absorbed into the clinician\'s open case (no new case, nobody paged).',
      registers: [metrics.registry],
    });
    // A savepoint's release or rollback leaves the transaction active: only its end settles the absorptions.
    dataSource.subscribers.push({
      afterTransactionCommit: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) this.flush(queryRunner.data);
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) this.discard(queryRunner.data);
      },
    });
  }

  /** Reports the absorption when the caller's transaction commits (at once outside a transaction). */
  noteAbsorbed(manager: EntityManager, absorption: Absorption): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      this.report([absorption]);
      return;
    }
    const pending = (runner.data?.[PENDING_ABSORPTIONS] as Absorption[] | undefined) ?? [];
    runner.data = { ...runner.data, [PENDING_ABSORPTIONS]: [...pending, absorption] };
  }

  private flush(data: Record<string, unknown>): void {
    const pending = data?.[PENDING_ABSORPTIONS] as Absorption[] | undefined;
    if (!pending?.length) return;
    this.discard(data);
    this.report(pending);
  }

  private discard(data: Record<string, unknown>): void {
    if (data?.[PENDING_ABSORPTIONS]) data[PENDING_ABSORPTIONS] = [];
  }

  private report(absorptions: Absorption[]): void {
    for (const { caseId, requestId } of absorptions) {
      this.logger.info({ caseId, requestId }, 'support request absorbed into the open case; nobody paged');
    }
    this.absorbed.inc(absorptions.length);
  }
}
