export const GRANULARITIES = ['month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** An aligned calendar period: a month, a quarter or a year, in UTC. */
export interface Period {
  granularity: Granularity;
  /** e.g. 2025-03, 2025-Q1, 2025 */
  label: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

export function periodOf(date: Date, granularity: Granularity): Period {
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (granularity === 'year') return { granularity, label: `${year}`, start: utc(year, 0), end: utc(year + 1, 0) };
  if (granularity === 'quarter') {
    const first = month - (month % 3);
    return { granularity, label: `${year}-Q${first / 3 + 1}`, start: utc(year, first), end: utc(year, first + 3) };
  }
  return { granularity, label: `${year}-${String(month + 1).padStart(2, '0')}`, start: utc(year, month), end: utc(year, month + 1) };
}

/** The periods of one granularity that overlap [from, to). */
export function periodsBetween(from: Date, to: Date, granularity: Granularity): Period[] {
  const periods: Period[] = [];
  for (let period = periodOf(from, granularity); period.start < to; period = periodOf(period.end, granularity)) periods.push(period);
  return periods;
}

export const coarser = (granularity: Granularity): Granularity | null =>
  granularity === 'month' ? 'quarter' : granularity === 'quarter' ? 'year' : null;
export const isFiner = (a: Granularity, b: Granularity) => GRANULARITIES.indexOf(a) < GRANULARITIES.indexOf(b);

/** Parses `YYYY-MM` as the first instant of that month (UTC). */
export function parseMonth(value: string): Date {
  const [year, month] = value.split('-').map(Number);
  return utc(year, month - 1);
}

function utc(year: number, month: number): Date {
  return new Date(Date.UTC(year, month, 1));
}
