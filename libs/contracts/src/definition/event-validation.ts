import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describeFieldProblems, dottedPath, findUnsafeText } from '@harbor/input';
import { EventDefinition, versionedType } from './event-definition';
import { EventValidationError } from './contract-errors';

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
  if (errors.length > 0) throw new EventValidationError(versionedType(definition), describeFieldProblems(errors));
  // After the whitelist: only text the contract keeps must be storable (see @harbor/input's safe-text rule).
  const unsafe = findUnsafeText(instance);
  if (unsafe) throw new EventValidationError(versionedType(definition), [`${dottedPath(unsafe.path, 'payload')}: ${unsafe.message}`]);
  return instance;
}
