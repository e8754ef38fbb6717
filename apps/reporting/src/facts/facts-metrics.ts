import { Counter } from 'prom-client';
import { ServiceMetrics } from '@harbor/observability';

/**
 * Operational counters only, with no labels: a status or category label would turn a Prometheus series
 * into a live count of a small group (one clinician declining shows up as one increment).
 */
export function factsRecordedCounter(metrics: ServiceMetrics): Counter {
  return counter(metrics, 'harbor_reporting_facts_recorded_total', 'Lifecycle events folded into pseudonymous case facts.');
}

export function publicationsCounter(metrics: ServiceMetrics): Counter {
  return counter(metrics, 'harbor_reporting_publications_total', 'Protected period releases written to the support.metrics.v1 outbox.');
}

function counter(metrics: ServiceMetrics, name: string, help: string): Counter {
  return (metrics.registry.getSingleMetric(name) as Counter | undefined) ?? new Counter({ name, help, registers: [metrics.registry] });
}

export function factsExcludedCounter(metrics: ServiceMetrics): Counter {
  return counter(metrics, 'harbor_reporting_facts_excluded_total', 'Case facts left out of a fixed release because they cannot be counted (reasons in the log).');
}

export function releaseFailuresCounter(metrics: ServiceMetrics): Counter {
  return counter(metrics, 'harbor_reporting_release_failures_total', 'Period releases that could not be built (retried on the next request or publication).');
}
