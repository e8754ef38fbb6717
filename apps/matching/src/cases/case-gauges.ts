import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ServiceMetrics } from '@harbor/observability';
import { CaseClock, CaseViews } from './case-views';

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

  constructor(private readonly views: CaseViews, metrics: ServiceMetrics) {
    const read = () => this.read();
    const gauges: [string, string, (clock: CaseClock) => number | null][] = [
      ['harbor_matching_deadlines_overdue', 'Deadlines (acknowledgement, overall, follow-up) due and not fired yet.', (clock) => clock.overdue],
      ['harbor_matching_oldest_overdue_deadline_seconds', 'How long the most overdue deadline has been due (0 when none is).', (clock) => clock.oldestOverdueSeconds ?? 0],
      ['harbor_matching_oldest_unanswered_escalation_seconds',
        'Age of the oldest case escalated to (or unresolved and waiting for) program staff that staff have not acted on yet; absent when none waits.',
        (clock) => clock.oldestUnansweredEscalationSeconds],
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
    if (!this.cached || Date.now() - this.cached.at > 1000) this.cached = { at: Date.now(), clock: this.fetch() };
    return this.cached.clock;
  }

  private async fetch(): Promise<CaseClock | undefined> {
    try {
      return await this.views.clock();
    } catch {
      return undefined;
    }
  }
}
