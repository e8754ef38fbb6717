import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { dottedPath, fieldProblems, findRefusedKey, findUnsafeText } from '@harbor/input';
import { InvalidRequestException } from './problem-details.filter';

/**
 * Validates DTOs with class-validator and answers 422 problem+json naming each field. Every body, query and path
 * parameter, with a DTO or without, then passes the input rules no DTO has to repeat: no text Postgres cannot
 * store (NUL, unpaired surrogates) and no key naming prototype machinery (forms and queries included).
 */
export class StrictValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      exceptionFactory: (errors) => new InvalidRequestException(fieldProblems(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const refused = findRefusedKey(value);
    if (refused) throw new InvalidRequestException([{ field: named(metadata, refused.field), message: refused.message }]);
    // The input as sent, before a transform can hide it (a number parsed from "1\u0000" is NaN, which a default replaces).
    refuseUnsafeText(value, metadata.data);
    return super.transform(value, metadata);
  }
}

/** The safe-text rule for input a route reads without a pipe (e.g. a bulk import's body): 422 naming the field. */
export function refuseUnsafeText(value: unknown, prefix = ''): void {
  const unsafe = findUnsafeText(value);
  if (unsafe) throw new InvalidRequestException([{ field: [prefix, dottedPath(unsafe.path, '')].filter(Boolean).join('.') || 'body', message: unsafe.message }]);
}

/** The field as the caller wrote it: `clinician.value` in a body, `from` for `@Query('from')`. */
function named(metadata: ArgumentMetadata, path: string): string {
  const prefix = metadata.data ?? '';
  return [prefix, path].filter(Boolean).join('.') || 'body';
}

export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe();
}
