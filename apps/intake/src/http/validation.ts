import { InvalidRequestException } from '@harbor/service-runtime';
import { EventDefinition, EventValidationError, validateEventPayload } from '@harbor/contracts';

/** The Kafka contract's validation on an HTTP body: a 422 naming each field instead of a dead letter. */
export function validateBody<P extends object>(definition: EventDefinition<P>, body: unknown): P {
  try {
    return validateEventPayload(definition, body);
  } catch (error) {
    if (error instanceof EventValidationError) throw new InvalidRequestException(error.problems.map(splitProblem));
    throw error;
  }
}

function splitProblem(problem: string) {
  const separator = problem.indexOf(': ');
  return separator < 0 ? { field: 'body', message: problem } : { field: problem.slice(0, separator), message: problem.slice(separator + 2) };
}
