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
