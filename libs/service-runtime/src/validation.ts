import { ValidationPipe } from '@nestjs/common';
import { fieldProblems } from '@harbor/config';
import { InvalidRequestException } from './problem-details.filter';

/** Validates DTOs with class-validator and answers 422 problem+json naming each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new InvalidRequestException(fieldProblems(errors)),
  });
}
