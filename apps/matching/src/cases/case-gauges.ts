import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { ServiceMetrics } from '@harbor/observability';

interface CaseClock {
  overdue: number;
  oldest_overdue_seconds: number | null;
  oldest_unanswered_escalation_seconds: number | null;
}

/**
 * Whether matching's clocks move, read at each scrape. Overdue deadlines (due and not fired) should be none
 * for more than a scheduler tick: a growing count means the scheduler is stuck (a lock held, the database slow,
 * every replica down). An escalation (or an unresolved clinician) waits for the program's coordinator, who was
 * paged; its age says when nobody has answered. Ages and one total only, no kinds: nothing here counts
 * escalations or cases by what happened.
 */
@Injectable()
export class CaseGauges {
  private cached?: { at: number; clock: Promise<CaseClock | undefined> };

  constructor(@Inject(DataSource) private readonly dataSource: DataSource, metrics: ServiceMetrics) {
    const read = () => this.read();
    const gauges: [string, string, (clock: CaseClock) => number | null][] = [
      ['harbor_matching_deadlines_overdue', 'Deadlines (acknowledgement, overall, follow-up) due and not fired yet.', (clock) => clock.overdue],
      ['harbor_matching_oldest_overdue_deadline_seconds', 'How long the most overdue deadline has been due (0 when none is).', (clock) => clock.oldest_overdue_seconds ?? 0],
      ['harbor_matching_oldest_unanswered_escalation_seconds',
        'Age of the oldest case escalated to (or unresolved and waiting for) program staff that staff have not acted on yet; absent when none waits.',
        (clock) => clock.oldest_unanswered_escalation_seconds],
    ];
    for (const [name, help, value] of gauges) {
      new Gauge({
        name,
        help,
        registers: [metrics.registry],
        async collect() {
          this.reset();
          const clock = await read();
          const measured = clock && value(clock);
          if (typeof measured === 'number') this.set(measured);
        },
      });
    }
  }

  /** One query per scrape serves all three gauges; nothing while the database does not answer. */
  private read(): Promise<CaseClock | undefined> {
    if (!this.cached || Date.now() - this.cached.at > 1000) this.cached = { at: Date.now(), clock: this.query() };
    return this.cached.clock;
  }

  private async query(): Promise<CaseClock | undefined> {
    try {
      const [clock] = await this.dataSource.query(
        `SELECT
           (SELECT count(*)::int FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now()) AS "overdue",
           (SELECT EXTRACT(EPOCH FROM now() - min("due_at"))::float8 FROM "matching"."deadlines" WHERE "status" = 'pending' AND "due_at" <= now()) AS "oldest_overdue_seconds",
           (SELECT EXTRACT(EPOCH FROM now() - min("updated_at"))::float8 FROM "matching"."cases" WHERE "status" IN ('escalated', 'unresolved')) AS "oldest_unanswered_escalation_seconds"`,
      );
      return clock as CaseClock;
    } catch {
      return undefined;
    }
  }
}
