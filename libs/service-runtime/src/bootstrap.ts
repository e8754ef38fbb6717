import 'reflect-metadata';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'pino';
import { acceptedCorrelationId, PinoNestLogger, readBuildInfo, runWithContext, ServiceMetrics } from '@harbor/observability';
import { ApiDocument } from './api-document';
import { HarborEventTransport } from './event-transport';
import { accessLog, httpMetrics, requestSpan, RouteLabels } from './http-telemetry';
import { ProblemDetailsFilter, ProblemException, ProblemRenderer } from './problem-details.filter';
import { serviceDeclaration } from './service-runtime.module';
import { createValidationPipe } from './validation';
import { byteSize, JSON_MEDIA_TYPES, readJsonBody } from './json-body';
import { JSON_VALUE_LIMITS, LOGGER, PROBLEM_RENDERERS, ROUTE_LABELS } from './tokens';

export interface HttpSettings {
  host: string;
  port: number;
  /** Largest accepted request body, e.g. "256kb"; larger ones get 413. */
  bodyLimit?: string;
}

/**
 * Creates a service's Nest application with the shared HTTP conventions: JSON logs with a correlation id
 * per request, an access log line and metrics per request, problem+json errors, DTO validation and graceful
 * shutdown on SIGTERM/SIGINT.
 */
export async function createServiceApp(rootModule: DynamicModule, http: HttpSettings, logger: Logger): Promise<INestApplication> {
  // rawBody: the exact bytes are kept beside the parsed body so request signatures can be checked.
  const app = await NestFactory.create<NestExpressApplication>(rootModule, { logger: new PinoNestLogger(logger), bodyParser: false, rawBody: true });
  app.disable('x-powered-by');
  const routeLabels = app.get<RouteLabels>(ROUTE_LABELS);
  // Before the body parsers, so that every request is counted and logged, also those a body parser refuses.
  const metrics = app.get(ServiceMetrics);
  app.use(httpMetrics(metrics, routeLabels));
  app.use(requestSpan(metrics.service, routeLabels));
  app.use((request: { headers: Record<string, string | undefined> }, response: { setHeader(n: string, v: string): void }, next: () => void) => {
    // A caller's id is kept only when it is short and plain; it ends up in logs, headers and Kafka records.
    const correlationId = acceptedCorrelationId(request.headers['x-correlation-id']);
    response.setHeader('x-correlation-id', correlationId);
    runWithContext({ correlationId, traceparent: request.headers['traceparent'] }, next);
  });
  app.use(accessLog(logger, routeLabels));
  // JSON is read as bytes (kept as rawBody for signatures) and decoded by readJsonBody within size and depth limits.
  const bodyLimit = http.bodyLimit ?? '256kb';
  app.useBodyParser('raw', { limit: bodyLimit, type: JSON_MEDIA_TYPES });
  app.useBodyParser('urlencoded', { limit: bodyLimit, extended: false });
  // XML arrives as text (FHIR XML on intake); the route that takes it parses it, every other route refuses it.
  app.useBodyParser('text', { limit: bodyLimit, type: ['application/xml', 'text/xml', 'application/*+xml'] });
  app.use(explainUnreadableBody);
  app.use(readJsonBody({ maxBytes: byteSize(bodyLimit), valueLimitsByPath: app.get<Record<string, number>>(JSON_VALUE_LIMITS) }));
  app.useGlobalFilters(new ProblemDetailsFilter(logger, app.get<ProblemRenderer[]>(PROBLEM_RENDERERS)));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  // Hybrid app: HTTP plus Harbor's event transport, which starts the consumers of every @ConsumesEvent handler.
  app.connectMicroservice({ strategy: app.get(HarborEventTransport) });
  const declared = serviceDeclaration(rootModule);
  await app.get(ApiDocument).build(app, declared.service, readBuildInfo().version, declared.openApiMetadata);
  try {
    await app.init();
    // Recurring jobs (@nestjs/schedule intervals) never keep a process alive on their own: the HTTP server does.
    // An app that failed to start, or a test's app left unclosed, must not linger because of a purge timer.
    const jobs = app.get(SchedulerRegistry);
    for (const name of jobs.getIntervals()) jobs.getInterval(name).unref?.();
    await app.startAllMicroservices();
  } catch (error) {
    // Whatever did start (pools, timers, listeners) goes with the failed start.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

/** Starts listening and says where, so a newcomer reading the logs knows what to call. */
export async function listen(app: INestApplication, service: string, http: HttpSettings): Promise<string> {
  await app.listen(http.port, http.host);
  const url = await app.getUrl();
  const address = url.replace('[::1]', 'localhost');
  app.get<Logger>(LOGGER).info({ url: address }, `${service} listening on ${address}`);
  return address;
}

/**
 * body-parser's own errors carry the parser's message (which can quote the body) and no title; they are
 * replaced here, before any route runs, by problems that say what to change and quote nothing.
 */
function explainUnreadableBody(error: { type?: string; limit?: number } | undefined, _request: unknown, _response: unknown, next: (error?: unknown) => void): void {
  switch (error?.type) {
    case 'entity.parse.failed':
      return next(new ProblemException(400, 'The request body is not valid JSON', 'Send a well-formed JSON document.'));
    case 'entity.too.large':
      return next(new ProblemException(413, 'The request body is too large', `The request body must be at most ${error.limit} bytes.`));
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return next(new ProblemException(415, 'Unsupported media type', 'Send the body as UTF-8 without a content encoding.'));
    default:
      return next(error);
  }
}
