import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject } from '@nestjs/common';
import type { Response } from 'express';
import { Logger } from 'pino';
import { FieldProblem, InvalidRequestException, LOGGER } from '@harbor/service-runtime';

/** FHIR's issue types for the statuses this route answers. */
const ISSUE_CODE: Record<number, string> = {
  400: 'structure',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  413: 'too-costly',
  415: 'not-supported',
  422: 'invalid',
};

export interface OperationOutcomeIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  code: string;
  diagnostics?: string;
  expression?: string[];
}

export function operationOutcome(issues: OperationOutcomeIssue[]) {
  return { resourceType: 'OperationOutcome', issue: issues };
}

/** Errors on the FHIR route leave as OperationOutcome (application/fhir+json), naming fields as FHIRPath. */
@Catch()
export class OperationOutcomeFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    const code = ISSUE_CODE[status] ?? (status >= 500 ? 'exception' : 'processing');
    let issues: OperationOutcomeIssue[];
    if (exception instanceof InvalidRequestException) {
      issues = exception.problems.map((problem: FieldProblem) => ({
        severity: 'error',
        code: /required/.test(problem.message) ? 'required' : code,
        diagnostics: `${problem.field}: ${problem.message}`,
        expression: [problem.field === 'resource' ? 'AdverseEvent' : `AdverseEvent.${problem.field}`],
      }));
    } else if (exception instanceof HttpException) {
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: string | string[] }).message;
      issues = [{ severity: 'error', code, diagnostics: Array.isArray(message) ? message.join('; ') : message }];
    } else {
      this.logger.error({ err: (exception as Error)?.message, path: '/fhir/AdverseEvent' }, 'unhandled error');
      issues = [{ severity: 'fatal', code, diagnostics: 'Internal error' }];
    }
    response.status(status).type('application/fhir+json').send(JSON.stringify(operationOutcome(issues)));
  }
}
