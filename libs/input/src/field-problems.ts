import { ValidationError } from 'class-validator';

/** One invalid field, named by its dotted path (`involvedClinicians.0.identifier.system`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * class-validator's nested errors as one flat list. Shared by every place that validates with class-validator
 * (settings, event payloads, request bodies, imports), so a field is named the same way everywhere.
 */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldProblems(error.children ?? [], `${field}.`)];
  });
}

/** `field: message`, one line per problem. */
export function describeFieldProblems(errors: ValidationError[]): string[] {
  return fieldProblems(errors).map(({ field, message }) => `${field}: ${message}`);
}
