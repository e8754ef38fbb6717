import { basename, dirname } from 'node:path';
import { startTracing, TRACES_EXPORTERS, TracesExporter } from './tracing';

/**
 * Imported first by each service's main.ts (`import '@harbor/tracing'`), before Nest, kafkajs or pg are
 * loaded, so the instrumentations can patch them. Reads the OTEL_* settings that ServiceEnv declares and
 * validates again at start-up, where a bad value stops the service naming it; here a bad value only leaves
 * tracing off. Off by default (OTEL_TRACES_EXPORTER unset or `none`).
 */
function tracesExporter(): TracesExporter {
  const value = (process.env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase();
  return (TRACES_EXPORTERS as readonly string[]).includes(value) ? (value as TracesExporter) : 'none';
}

/** `harbor-<service>` from the entry point (`dist/apps/<service>/src/main.js`), unless OTEL_SERVICE_NAME says. */
function serviceName(): string {
  if (process.env.OTEL_SERVICE_NAME?.trim()) return process.env.OTEL_SERVICE_NAME.trim();
  const entry = process.argv[1] ?? '';
  return basename(entry).startsWith('main.') ? `harbor-${basename(dirname(dirname(entry)))}` : 'harbor';
}

const exporter = tracesExporter();
if (exporter !== 'none') {
  const ratio = Number(process.env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const tracing = startTracing({
    serviceName: serviceName(),
    exporter,
    otlpEndpoint: process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined,
    sampleRatio: Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1,
  });
  // Spans still buffered are sent when the process stops normally (after Nest's own shutdown hooks).
  process.once('beforeExit', () => void tracing.shutdown());
}
