import { FieldProblem, Problem, ProblemRenderer } from '@harbor/service-runtime';

/** FHIR's issue types for the statuses the FHIR routes answer. */
const ISSUE_CODE: Record<number, string> = {
  400: 'structure',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
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

/** The answer to every accepted AdverseEvent, new or repeated: `ACCEPTED` in FHIR's words. */
export const ACCEPTED_OUTCOME = Object.freeze(operationOutcome([{ severity: 'information', code: 'informational', diagnostics: 'AdverseEvent accepted' }]));

/** A problem as FHIR says it: one issue per offending field, named as a FHIRPath expression. */
export function operationOutcomeOf(problem: Problem) {
  const code = ISSUE_CODE[problem.status] ?? (problem.status >= 500 ? 'exception' : 'processing');
  if (problem.status >= 500) return operationOutcome([{ severity: 'fatal', code, diagnostics: 'Internal error' }]);
  if (problem.errors?.length) {
    return operationOutcome(problem.errors.map((field: FieldProblem) => ({
      severity: 'error',
      code: /required/.test(field.message) ? 'required' : code,
      diagnostics: `${field.field}: ${field.message}`,
      // `xml` is the document itself (not well-formed, a DOCTYPE): there is no element to point at.
      ...(field.field === 'xml' ? {} : { expression: [field.field === 'resource' ? 'AdverseEvent' : `AdverseEvent.${field.field}`] }),
    })));
  }
  const diagnostics = problem.detail && problem.detail !== problem.title ? `${problem.title}: ${problem.detail}` : problem.title;
  return operationOutcome([{ severity: 'error', code, diagnostics }]);
}

/** Every error under /fhir/ — from the route, its guards or the body parser before it — is an OperationOutcome. */
export const fhirProblemRenderer: ProblemRenderer = {
  pathPrefix: '/fhir/',
  contentType: 'application/fhir+json',
  render: operationOutcomeOf,
};
