import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * RFC 3339 (section 5.6): a full-date `2026-11-26`, or a date-time `2026-11-26T10:30:00Z` /
 * `2026-11-26T10:30:00.123+01:00` with seconds and an offset. Nothing else ISO 8601 allows: no week or ordinal
 * dates, no basic format (`20261126`), no expanded or bare years, no comma fractions, no local times.
 */
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Years outside this range are typing mistakes in a hospital's records, and near Postgres's own limits. */
const FIRST_YEAR = 1000;
const LAST_YEAR = 9999;
/** Real time zones lie within ±14:00; Postgres refuses offsets from ±16:00 on. */
const MAX_OFFSET_MINUTES = 14 * 60;

export const RFC3339_RULE = 'must be an RFC 3339 date (2026-11-26) or date-time with seconds and offset (2026-11-26T10:30:00Z)';

/** The instant (UTC midnight for a full-date) a strict RFC 3339 text names, or undefined when it is not one. */
export function parseRfc3339(text: unknown): Date | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const date = FULL_DATE.exec(text);
  if (date) {
    const [year, month, day] = date.slice(1, 4).map(Number);
    return isCalendarDay(year, month, day) ? utc(year, month, day, 0, 0, 0, 0) : undefined;
  }
  const time = DATE_TIME.exec(text);
  if (!time) return undefined;
  const [year, month, day, hour, minute, second] = time.slice(1, 7).map(Number);
  if (!isCalendarDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes = 0;
  if (time[8]) {
    const [offsetHours, offsetMins] = [Number(time[9]), Number(time[10])];
    if (offsetMins > 59) return undefined;
    offsetMinutes = (offsetHours * 60 + offsetMins) * (time[8] === '-' ? -1 : 1);
    if (Math.abs(offsetMinutes) > MAX_OFFSET_MINUTES) return undefined;
  }
  const millis = time[7] ? Math.floor(Number(`0.${time[7]}`) * 1000) : 0;
  const instant = new Date(utc(year, month, day, hour, minute, second, millis).getTime() - offsetMinutes * 60_000);
  // The instant too, not only the local date: 9999-12-31T23:00:00-14:00 is in year 10000, which Date prints as +010000.
  const utcYear = instant.getUTCFullYear();
  return utcYear >= FIRST_YEAR && utcYear <= LAST_YEAR ? instant : undefined;
}

/** Whether a value is a strict RFC 3339 date or date-time (see parseRfc3339). */
export function isRfc3339(value: unknown): value is string {
  return parseRfc3339(value) !== undefined;
}

/**
 * The one date rule of every contract, DTO and query parameter, on HTTP and on Kafka alike: a value Harbor
 * accepts is one Postgres and every consumer read the same way.
 */
export function IsRfc3339(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isRfc3339', validator: { validate: (value) => isRfc3339(value), defaultMessage: () => RFC3339_RULE } },
    validationOptions,
  );
}

function isCalendarDay(year: number, month: number, day: number): boolean {
  if (year < FIRST_YEAR || year > LAST_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): Date {
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
}
