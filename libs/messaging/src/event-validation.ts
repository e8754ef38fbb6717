import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { EventDefinition, versionedType } from './event-definition';
import { EventValidationError } from './errors';

function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describe(error.children ?? [], `${path}.`)];
  });
}

/** Turns a plain object into the event's payload class, or throws naming every invalid field. */
export function validateEventPayload<P extends object>(definition: EventDefinition<P>, plain: unknown): P {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    throw new EventValidationError(versionedType(definition), ['payload: must be a JSON object']);
  }
  const instance = plainToInstance(definition.payload, plain);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: definition.unknownFields !== 'strip',
    forbidUnknownValues: true,
  });
  if (errors.length > 0) throw new EventValidationError(versionedType(definition), describe(errors));
  return instance;
}
