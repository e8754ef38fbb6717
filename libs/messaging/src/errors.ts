/**
 * Errors that retrying cannot fix: the record goes to the dead-letter topic at once.
 * Anything else thrown by a handler is treated as transient and retried with backoff.
 */
export class PermanentMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The payload does not match its contract; `problems` name each offending field. */
export class EventValidationError extends PermanentMessageError {
  constructor(
    readonly eventType: string,
    readonly problems: string[],
  ) {
    super(`${eventType} failed validation: ${problems.join('; ')}`);
  }
}

/** The record's bytes are not JSON. */
export class MalformedMessageError extends PermanentMessageError {}

/** Postgres refused the record's data (SQLSTATE class 22, NOT NULL, CHECK): validation let through what cannot be stored. */
export class UnstorableRecordError extends PermanentMessageError {}

/** A `ce_type` (or version) this consumer has no definition for. */
export class UnknownEventTypeError extends PermanentMessageError {}

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentMessageError;
}
