import { CHANNEL_KINDS } from '@harbor/contracts';

/**
 * Form fields (application/x-www-form-urlencoded, read by the service runtime's parser) into the services' JSON
 * bodies. The console only reshapes; the services validate, and their 422 names the field on the page.
 */
export type FormBody = Record<string, string | string[] | undefined>;

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export const WEEKDAY_NAMES: Record<(typeof WEEKDAYS)[number], string> = {
  mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday',
};
/** A program id as the services accept it in a query (`?program=`); anything else is not sent on. */
export const PROGRAM_ID = /^[A-Za-z0-9._-]{1,60}$/;
/** A case's, debrief's or offer's id in a page's path. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Channel rows on the supporter form, in preferred order. */
export const CHANNEL_ROWS = 3;

/** One text field: the last value if repeated, trimmed; undefined when empty. */
export function field(body: FormBody, name: string): string | undefined {
  const raw = body[name];
  const value = (Array.isArray(raw) ? raw[raw.length - 1] : raw)?.trim();
  return value ? value : undefined;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean);
/** A number field as a number when it is one; otherwise as typed, so the service's 422 names it. */
const numberOr = (value: string | undefined, fallback: number) => (value === undefined ? fallback : /^\d+$/.test(value) ? Number(value) : value);

/** The supporter form → matching's `POST /v1/roster/supporters` body. */
export function supporterFromForm(body: FormBody): Record<string, unknown> {
  const channels = [];
  for (let row = 0; row < CHANNEL_ROWS; row++) {
    const kind = field(body, `channelKind${row}`);
    if (!kind) continue;
    channels.push({ kind, address: kind === 'console' ? '' : (field(body, `channelAddress${row}`) ?? '') });
  }
  const supporter: Record<string, unknown> = {
    id: field(body, 'id') ?? '',
    displayName: field(body, 'displayName') ?? '',
    profession: field(body, 'profession') ?? '',
    program: field(body, 'program') ?? 'default',
    languages: list(field(body, 'languages')),
    timeZone: field(body, 'timeZone') ?? 'UTC',
    maxOpenCases: numberOr(field(body, 'maxOpenCases'), 2),
    acceptsCasesWhileResting: field(body, 'acceptsCasesWhileResting') === 'yes',
    // The roster's upsert replaces the profile: both choices are sent every time, as the form shows them.
    recognitionConsent: field(body, 'recognitionConsent') === 'yes',
    optedOut: field(body, 'optedOut') === 'yes',
    status: field(body, 'status') === 'paused' ? 'paused' : 'active',
    channels,
  };
  for (const name of ['department', 'facility', 'trainingExpiresOn']) {
    const value = field(body, name);
    if (value) supporter[name] = value;
  }
  return supporter;
}

/** The weekly availability form (one from–until pair per weekday) → `PUT /v1/roster/supporters/:id/schedule`. */
export function scheduleFromForm(body: FormBody): { timeZone: string; windows: { day: string; start: string; end: string }[] } {
  const windows = [];
  for (const day of WEEKDAYS) {
    const start = field(body, `start-${day}`);
    const end = field(body, `end-${day}`);
    if (start || end) windows.push({ day, start: start ?? '', end: end ?? '' });
  }
  return { timeZone: field(body, 'timeZone') ?? 'UTC', windows };
}

/** The training form → `POST /v1/roster/supporters/:id/training`. */
export function trainingFromForm(body: FormBody): { course: string; completedOn: string; expiresOn: string } {
  return { course: field(body, 'course') ?? '', completedOn: field(body, 'completedOn') ?? '', expiresOn: field(body, 'expiresOn') ?? '' };
}

/** The triage resolution form → intake's `POST /v1/triage/:id/assign` body. */
export function triageAssignmentFromForm(body: FormBody): Record<string, unknown> {
  const assignment: Record<string, unknown> = { identifier: { system: field(body, 'system') ?? '', value: field(body, 'value') ?? '' } };
  const profession = field(body, 'profession');
  if (profession) assignment.profession = profession;
  return assignment;
}

export function isChannelKind(kind: string): boolean {
  return (CHANNEL_KINDS as readonly string[]).includes(kind);
}

const hhmm = (minute: number) => `${String(Math.floor((minute % 1440) / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * Matching's stored schedule (ISO day 1–7, minutes from midnight, overnight windows split at midnight) back into
 * the form's one from–until per weekday: the day's first window; a window ending at midnight shows as 00:00.
 */
export function scheduleByDay(windows: { day: number; startMinute: number; endMinute: number }[]): Map<string, { start: string; end: string }> {
  const byDay = new Map<string, { start: string; end: string }>();
  for (const window of [...windows].sort((a, b) => a.day - b.day || a.startMinute - b.startMinute)) {
    const day = WEEKDAYS[window.day - 1];
    if (day && !byDay.has(day)) byDay.set(day, { start: hhmm(window.startMinute), end: hhmm(window.endMinute) });
  }
  return byDay;
}
