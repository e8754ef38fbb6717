import 'reflect-metadata';
import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'pino';
import { newCorrelationId, PinoNestLogger, runWithContext } from '@harbor/observability';
import { ProblemDetailsFilter } from './problem-details.filter';
import { createValidationPipe } from './validation';
import { LOGGER } from './tokens';

export interface HttpSettings {
  host: string;
  port: number;
  /** Largest accepted request body, e.g. "256kb"; larger ones get 413. */
  bodyLimit?: string;
}

/**
 * Creates a service's Nest application with the shared HTTP conventions: JSON logs with a correlation id
 * per request, problem+json errors, DTO validation and graceful shutdown on SIGTERM/SIGINT.
 */
export async function createServiceApp(rootModule: DynamicModule, http: HttpSettings, logger: Logger): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(rootModule, { logger: new PinoNestLogger(logger), bodyParser: false });
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: http.bodyLimit ?? '256kb', type: ['application/json', 'application/*+json'] });
  app.useBodyParser('urlencoded', { limit: http.bodyLimit ?? '256kb', extended: false });
  app.use((request: { headers: Record<string, string | undefined> }, response: { setHeader(n: string, v: string): void }, next: () => void) => {
    const correlationId = request.headers['x-correlation-id'] ?? newCorrelationId();
    response.setHeader('x-correlation-id', correlationId);
    runWithContext({ correlationId, traceparent: request.headers['traceparent'] }, next);
  });
  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
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
