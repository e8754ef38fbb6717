import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'pino';
import { classifyDatabaseError } from '@harbor/persistence';
import { FieldProblem } from '@harbor/input';

export type { FieldProblem } from '@harbor/input';

/** A 4xx with a title of its own; `detail` says what to change. */
export class ProblemException extends HttpException {
  constructor(status: number, title: string, detail: string) {
    super({ title, message: detail }, status);
  }
}

/** A 4xx whose body names each offending field. */
export class InvalidRequestException extends HttpException {
  constructor(
    readonly problems: FieldProblem[],
    status: number = HttpStatus.UNPROCESSABLE_ENTITY,
    title = 'The request is not valid',
  ) {
    super({ title, problems }, status);
  }
}

/** What went wrong with a request, before it is written in the format its route speaks. */
export interface Problem {
  status: number;
  title: string;
  /** The request path. */
  instance: string;
  detail?: string;
  /** Each offending field, for validation failures. */
  errors?: FieldProblem[];
}

/**
 * Writes problems for the routes under a path prefix in a format of their own (e.g. FHIR's
 * OperationOutcome). It applies to every error on those paths, including the ones raised before a route
 * is chosen: a body that is not JSON, a body over the limit, a failed signature.
 */
export interface ProblemRenderer {
  pathPrefix: string;
  contentType: string;
  render(problem: Problem): unknown;
  /** Headers every error on these paths carries (e.g. no-store on pages whose URL is a credential). */
  headers?: Readonly<Record<string, string>>;
}

/** RFC 9457 problem+json: the body every path gets unless a renderer says otherwise. */
export function standardProblem(problem: Problem): object {
  return { type: 'about:blank', ...problem };
}

/**
 * Every error leaves as RFC 9457 problem+json, or in the format a `ProblemRenderer` gives its paths.
 * Internal errors are logged and answered without detail, so nothing from a payload or a stack trace
 * reaches the caller.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly renderers: ProblemRenderer[] = [],
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    // Not request.path: inside middleware mounted on a path, Express makes that relative to the mount point.
    const path = (request.originalUrl ?? request.url).split('?')[0];
    const problem = problemOf(exception, path);
    if (problem.status >= 500) this.logger.error({ err: (exception as Error)?.message, path }, 'unhandled error');
    // Validation should have refused it: worth a look, but the caller's input, not a server fault.
    else if (problem.status === 422 && !(exception instanceof HttpException)) this.logger.warn({ path, errors: problem.errors }, 'input refused by the database');
    const renderer = this.renderers.find((candidate) => path.startsWith(candidate.pathPrefix));
    if (renderer) {
      if (renderer.headers) response.set(renderer.headers);
      response.status(problem.status).type(renderer.contentType).send(JSON.stringify(renderer.render(problem)));
      return;
    }
    response.status(problem.status).type('application/problem+json').send(JSON.stringify(standardProblem(problem)));
  }
}

function problemOf(exception: unknown, path: string): Problem {
  const refusal = exception instanceof HttpException ? undefined : classifyDatabaseError(exception);
  if (refusal?.kind === 'invalid-input') {
    // Only the schema's name for the field reaches the caller; Postgres's message can quote the value.
    return { status: 422, title: 'The request is not valid', instance: path, errors: [{ field: refusal.field ?? 'body', message: `is not a value that can be stored (SQLSTATE ${refusal.sqlState})` }] };
  }
  if (refusal?.kind === 'conflict') {
    return { status: 409, title: 'Conflict', instance: path, detail: `The request conflicts with data already stored${refusal.field ? ` (${refusal.field})` : ''}; read it again and retry.` };
  }
  const status = statusOf(exception);
  const problem: Problem = { status, title: titleOf(exception, status), instance: path };
  if (exception instanceof InvalidRequestException) problem.errors = exception.problems;
  else if (exception instanceof HttpException) problem.detail = detailOf(exception);
  return problem;
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: number; statusCode?: number })?.status ?? (exception as { statusCode?: number })?.statusCode;
  // body-parser signals oversized and malformed bodies with plain errors carrying a status.
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function titleOf(exception: unknown, status: number): string {
  const stated = exception instanceof HttpException ? (exception.getResponse() as { title?: unknown }).title : undefined;
  if (typeof stated === 'string') return stated;
  if (status === 413) return 'The request body is too large';
  if (status === 415) return 'Unsupported media type';
  if (exception instanceof HttpException) return HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error';
  return status >= 500 ? 'Internal error' : 'Bad request';
}

function detailOf(exception: HttpException): string | undefined {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: string | string[] }).message;
  return Array.isArray(message) ? message.join('; ') : message;
}
