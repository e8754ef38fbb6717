import { PermanentMessageError } from '@harbor/contracts';

/** The record's bytes are not JSON. */
export class MalformedMessageError extends PermanentMessageError {}

/** Postgres refused the record's data (SQLSTATE class 22, NOT NULL, CHECK): validation let through what cannot be stored. */
export class UnstorableRecordError extends PermanentMessageError {}

/** A `ce_type` (or version) this consumer has no definition for. */
export class UnknownEventTypeError extends PermanentMessageError {}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentMessageError;
}
