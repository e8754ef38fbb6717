import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextOfTraceparent, harborTracer, isProbePath, ServiceMetrics } from '@harbor/observability';

/**
 * Route patterns a service reports under a label of its own in metrics and access logs, e.g. intake's trigger
 * submissions under one label, so that no series or log field counts lawsuits apart from incidents.
 */
export type RouteLabels = Readonly<Record<string, string>>;

/** The label of requests that matched no route: a 404, or a body refused before routing. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route pattern that answered (`/v1/cases/:id`, `/a/:token`), never the path: a path can be a credential
 * (`/a/<token>`) and a query can name a clinician (`/v1/opt-outs?system=&value=`). Known once Express routed it.
 */
export function routeOf(request: Request, labels: RouteLabels = {}): string {
  const pattern = request.route?.path;
  if (typeof pattern !== 'string') return UNMATCHED_ROUTE;
  const route = `${request.baseUrl ?? ''}${pattern}`;
  return labels[route] ?? route;
}

/**
 * What an access log line may say about where a request went: for a routed request its pattern with the ids
 * filled in, except parameters that are credentials (`:token`) and routes a service labels; for anything else
 * only its first segment (`/a/…`), since an unrouted path can hold anything. Never the query string.
 */
export function loggablePath(request: Request, labels: RouteLabels = {}): string {
  const route = routeOf(request, labels);
  if (route === UNMATCHED_ROUTE) {
    const [first, ...rest] = (request.originalUrl ?? request.url ?? '').split('?')[0].split('/').slice(1);
    return `/${first ?? ''}${rest.length > 0 ? '/…' : ''}`;
  }
  if (!route.startsWith('/')) return route;
  return route.replace(/:(\w+)/g, (placeholder, name: string) => {
    const value = (request.params as Record<string, string | undefined>)?.[name];
    return name === 'token' || typeof value !== 'string' ? `:${name}` : encodeURIComponent(value);
  });
}

/** Requests, status and latency per route pattern, counted once the response is written. */
export function httpMetrics(metrics: ServiceMetrics, labels: RouteLabels): RequestHandler {
  return (request, response, next) => {
    const stopTimer = metrics.httpRequestSeconds.startTimer();
    response.once('finish', () => {
      const route = routeOf(request, labels);
      metrics.httpRequests.inc({ method: request.method, route, status: String(response.statusCode) });
      stopTimer({ method: request.method, route });
    });
    next();
  };
}


/**
 * One JSON line per request (pino-http), when its response is written: method, route pattern, loggable path,
 * status, duration and `requestId`, the request's correlation id (`x-correlation-id`). No headers, no query,
 * no body, no credential in the path. 5xx log as errors; the problem filter logs their cause.
 */
export function accessLog(logger: Logger, labels: RouteLabels): RequestHandler {
  const middleware = pinoHttp<Request, ServerResponse>({
    logger,
    genReqId: (_request, response) => String(response.getHeader('x-correlation-id') ?? ''),
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    quietReqLogger: true,
    quietResLogger: true,
    // Probes answer every few seconds and say nothing: counted in metrics, not logged.
    autoLogging: { ignore: (request) => isProbePath(request.originalUrl ?? request.url) },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (request, response, fields: { durationMs: number }) => describe(request, response, labels, fields.durationMs),
    // The error's own message may quote input: the problem filter logs what is safe to log.
    customErrorObject: (request, response, _error, fields: { durationMs: number }) => describe(request, response, labels, fields.durationMs),
  });
  return middleware as unknown as RequestHandler;
}

function describe(request: Request, response: ServerResponse, labels: RouteLabels, durationMs: number) {
  return { method: request.method, route: routeOf(request, labels), path: loggablePath(request, labels), status: response.statusCode, durationMs };
}

/**
 * Runs the request inside a server span. In a service process the HTTP instrumentation has made that span
 * already (tracing-bootstrap.ts) and this does nothing; where it is not loaded (the services run in one test
 * process, where module patching does not reach) Harbor makes it, so a trace still starts at the request. Named
 * and labelled by route pattern only, like the metrics.
 */
export function requestSpan(service: string, labels: RouteLabels): RequestHandler {
  const tracer = harborTracer(service);
  return (request, response, next) => {
    if (trace.getActiveSpan() || isProbePath(request.originalUrl ?? request.url)) return next();
    const traceparent = request.headers.traceparent;
    const span = tracer.startSpan(request.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } }, contextOfTraceparent(typeof traceparent === 'string' ? traceparent : undefined));
    response.once('finish', () => {
      const route = routeOf(request, labels);
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
      if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}
