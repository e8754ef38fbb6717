/**
 * What a Postgres error says about the input that caused it, keyed on SQLSTATE classes: class 22 (data
 * exception: bad text for a type, a date out of range, a NUL character, a string too long) and NOT NULL or CHECK
 * violations mean the input can never be stored, so no retry helps (HTTP 422, Kafka dead letter at once);
 * a unique, foreign-key or exclusion violation is a conflict with other data (HTTP 409, Kafka retried, since a
 * concurrent writer or a missing predecessor may settle it). Anything else is not the input's fault.
 * Validation should refuse such input first; this is the net under it, so it never becomes a 500.
 */
export type DatabaseRefusalKind = 'invalid-input' | 'conflict';

export interface DatabaseRefusal {
  kind: DatabaseRefusalKind;
  sqlState: string;
  /** The column or constraint Postgres named (schema names, never a value). */
  field?: string;
}

const INVALID_INPUT_CODES = new Set(['23502', '23514']);
const CONFLICT_CODES = new Set(['23505', '23503', '23P01']);

interface PgErrorFields {
  code?: unknown;
  column?: unknown;
  constraint?: unknown;
  driverError?: PgErrorFields;
}

export function classifyDatabaseError(error: unknown): DatabaseRefusal | undefined {
  const fields = (error as PgErrorFields | undefined)?.driverError ?? (error as PgErrorFields | undefined);
  const code = fields?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return undefined;
  const field = [fields?.column, fields?.constraint].find((name): name is string => typeof name === 'string' && name.length > 0);
  if (code.startsWith('22') || INVALID_INPUT_CODES.has(code)) return { kind: 'invalid-input', sqlState: code, field };
  if (CONFLICT_CODES.has(code)) return { kind: 'conflict', sqlState: code, field };
  return undefined;
}
