import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Logger } from 'pino';

export interface FieldProblem {
  field: string;
  message: string;
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

/**
 * Every error leaves as RFC 9457 problem+json. Internal errors are logged and answered without detail,
 * so nothing from a payload or a stack trace reaches the caller.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const status = statusOf(exception);
    const body: Record<string, unknown> = {
      type: 'about:blank',
      status,
      title: titleOf(exception, status),
      instance: request.path,
    };
    if (exception instanceof InvalidRequestException) body.errors = exception.problems;
    else if (exception instanceof HttpException) body.detail = detailOf(exception);
    if (status >= 500) this.logger.error({ err: (exception as Error)?.message, path: request.path }, 'unhandled error');
    response.status(status).type('application/problem+json').send(JSON.stringify(body));
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const status = (exception as { status?: number; statusCode?: number })?.status ?? (exception as { statusCode?: number })?.statusCode;
  // body-parser signals oversized and malformed bodies with plain errors carrying a status.
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

function titleOf(exception: unknown, status: number): string {
  if (exception instanceof InvalidRequestException) return (exception.getResponse() as { title: string }).title;
  if (status === 413) return 'The request body is too large';
  if (status === 400 && (exception as { type?: string })?.type === 'entity.parse.failed') return 'The request body is not valid JSON';
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
