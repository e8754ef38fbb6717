import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';
import { currentContext } from './request-context';

/**
 * Field names that may carry identifying data. They are censored wherever they appear in a log object,
 * as a second line of defence: code must not log payload bodies in the first place.
 */
const REDACTED_PATHS = [
  'payload', 'body', 'value', 'name', 'displayName', 'phone', 'email', 'address', 'narrative', 'description',
  '*.payload', '*.body', '*.name', '*.displayName', '*.phone', '*.email', '*.address', '*.narrative', '*.description',
  'req.headers.authorization', 'headers.authorization',
];

/** `destination` lets tests capture every line a service writes (e.g. to prove nothing identifying is logged). */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  return pino(
    {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = currentContext();
      return context ? { correlationId: context.correlationId } : {};
    },
    },
    destination,
  );
}

/** Nest's start-up inventory (modules loaded, routes mapped) is useful when debugging, noise otherwise. */
const START_UP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/** Routes NestJS's own log lines into the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    if (context && START_UP_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
