/** One weekly on-call window in the supporter's own time zone: ISO day (1 = Monday … 7 = Sunday), minutes from midnight. */
export interface WeeklyWindow {
  day: number;
  startMinute: number;
  /** Exclusive; at most 1440. */
  endMinute: number;
}

/** An ad-hoc period the supporter cannot take cases (leave, illness), as absolute times. */
export interface Period {
  startsAt: Date;
  endsAt: Date;
}

export interface Availability {
  timeZone: string;
  /** Empty means no weekly schedule: available at any hour (24/7 on-call pools such as RISE). */
  windows: WeeklyWindow[];
  unavailable: Period[];
}

export type Unavailability = 'unavailable-ad-hoc' | 'off-schedule';

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The ISO weekday and minute of the day that `at` is in `timeZone` (daylight-saving aware). */
export function localWeekMinute(at: Date, timeZone: string): { day: number; minute: number } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? '';
  return { day: WEEKDAYS[part('weekday')], minute: Number(part('hour')) * 60 + Number(part('minute')) };
}

/** Why the supporter cannot take a case at `at`, or undefined when they can. */
export function unavailabilityAt(availability: Availability, at: Date): Unavailability | undefined {
  const time = at.getTime();
  if (availability.unavailable.some((period) => period.startsAt.getTime() <= time && time < period.endsAt.getTime())) {
    return 'unavailable-ad-hoc';
  }
  if (availability.windows.length === 0) return undefined;
  const { day, minute } = localWeekMinute(at, availability.timeZone);
  const inWindow = availability.windows.some((window) => window.day === day && window.startMinute <= minute && minute < window.endMinute);
  return inWindow ? undefined : 'off-schedule';
}

/**
 * Turns "HH:MM"–"HH:MM" windows as staff enter them into stored windows. A window that ends at or before
 * it starts runs overnight and is split at midnight (Sunday night continues into Monday).
 */
export function toWeeklyWindows(entries: { day: number; start: string; end: string }[]): WeeklyWindow[] {
  const minutes = (hhmm: string) => {
    const [hours, mins] = hhmm.split(':').map(Number);
    return hours * 60 + mins;
  };
  const windows: WeeklyWindow[] = [];
  for (const entry of entries) {
    const start = minutes(entry.start);
    const end = minutes(entry.end) === 0 ? 1440 : minutes(entry.end);
    if (end > start) {
      windows.push({ day: entry.day, startMinute: start, endMinute: end });
    } else {
      windows.push({ day: entry.day, startMinute: start, endMinute: 1440 });
      if (end > 0) windows.push({ day: (entry.day % 7) + 1, startMinute: 0, endMinute: end });
    }
  }
  return windows;
}
