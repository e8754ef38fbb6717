import { Counter } from 'prom-client';
import { databaseRoundTrips } from '@harbor/persistence';
import { ServiceMetrics } from '@harbor/observability';

/**
 * Round trips this process made to Postgres (each statement or group of statements sent together, and its answer):
 * divided by harbor_messages_consumed_total it is the database work per record, the figure the throughput work
 * lowers. Counts nothing about what the statements were for.
 */
export function registerDatabaseMetrics(metrics: ServiceMetrics): void {
  new Counter({
    name: 'harbor_database_round_trips_total',
    help: 'Round trips to Postgres: a statement, or statements sent together (a BEGIN with the first statement, writes with the COMMIT), and its answer.',
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(databaseRoundTrips());
    },
  });
}
