import { CaseFact } from './case-fact';
import { coarser, Granularity, Period, periodOf, periodsBetween } from './periods';
import { DebriefFact } from './group-debriefs';
import { buildRelease, Release, ReleaseSettings } from './release';

/**
 * When periods are released, and at which granularity. Pure code: the store (release-store.ts) keeps the
 * same ledger in Postgres.
 *
 * A period is released once, when it has ended and settled for `delayDays`, and its release is never
 * recomputed: a reader holding every release ever published holds one release per period, so there is
 * nothing to difference. A calendar year is released at one granularity, fixed when its first month is
 * due, so a month is never published next to its own quarter.
 */
export interface ScheduleSettings extends ReleaseSettings {
  /** Days after its end before a period is released (late events are counted until then). */
  delayDays: number;
  /** `auto` picks per year (see chooseGranularity); otherwise every year not yet fixed uses this one. */
  granularity: 'auto' | Granularity;
}

const DAY_MS = 86_400_000;

export const yearStart = (year: number) => new Date(Date.UTC(year, 0, 1));

export function isDue(period: Period, now: Date, delayDays: number): boolean {
  return period.end.getTime() + delayDays * DAY_MS <= now.getTime();
}

/** A year's granularity must be fixed once its first month is due (no period of it can be due before). */
export function needsPlan(year: number, now: Date, delayDays: number): boolean {
  return isDue(periodOf(yearStart(year), 'month'), now, delayDays);
}

/** The finest of month and quarter at which every period holding cases has at least k of them, else the year. */
export function releaseGranularity(facts: CaseFact[], minCellSize: number): Granularity {
  for (let granularity: Granularity | null = 'month'; granularity && granularity !== 'year'; granularity = coarser(granularity)) {
    const counts = new Map<string, number>();
    for (const fact of facts) {
      const label = periodOf(fact.openedHour, granularity).label;
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    if ([...counts.values()].every((count) => count >= minCellSize)) return granularity;
  }
  return 'year';
}

/**
 * The granularity a year is released at. A year that is over and settled is judged by its own cases. The
 * current year, whose periods are released while it runs, is judged by the year before (a program's volume
 * changes slowly); with no cases the year before, by the whole year, the coarsest and safest choice.
 */
export function chooseGranularity(year: number, facts: YearFacts, now: Date, settings: ScheduleSettings): Granularity {
  if (settings.granularity !== 'auto') return settings.granularity;
  if (isDue(periodOf(yearStart(year), 'year'), now, settings.delayDays)) return releaseGranularity(facts.year, settings.minCellSize);
  if (facts.previous.length === 0) return 'year';
  return releaseGranularity(facts.previous, settings.minCellSize);
}

export interface YearFacts {
  year: CaseFact[];
  previous: CaseFact[];
  /** The year's group debriefs (their own table in each release; they do not choose the granularity). */
  debriefs?: DebriefFact[];
}

/** What advancing a year fixed: a new plan, new releases, and what could not be released (retried later). */
export interface YearAdvance {
  plan?: { year: number; granularity: Granularity };
  releases: Release[];
  /** Per release: why facts were left out (reasons only). */
  excluded: { period: string; reasons: string[] }[];
  failures: { period: string; error: Error }[];
}

/** Releases and year plans fixed so far; `advance` adds what has become due, never changes what exists. */
export class ReleaseLedger {
  readonly plans = new Map<number, Granularity>();
  readonly releases = new Map<string, Release>();

  constructor(
    readonly settings: ScheduleSettings,
    plans: Iterable<[number, Granularity]> = [],
    releases: Iterable<Release> = [],
  ) {
    for (const [year, granularity] of plans) this.plans.set(year, granularity);
    for (const release of releases) this.releases.set(release.period.label, release);
  }

  /** The periods of a year that are due at its fixed granularity (none before the plan is fixed). */
  duePeriods(year: number, now: Date): Period[] {
    const granularity = this.plans.get(year);
    if (!granularity) return [];
    return periodsBetween(yearStart(year), yearStart(year + 1), granularity).filter((period) => isDue(period, now, this.settings.delayDays));
  }

  /** True when something of the year is due and not yet fixed, i.e. its facts must be read. */
  hasWork(year: number, now: Date): boolean {
    if (!needsPlan(year, now, this.settings.delayDays)) return false;
    if (!this.plans.has(year)) return true;
    return this.duePeriods(year, now).some((period) => !this.releases.has(period.label));
  }

  /** Fixes the year's plan if needed and releases every due period not yet released. */
  advance(year: number, facts: YearFacts, now: Date): YearAdvance {
    const advance: YearAdvance = { releases: [], excluded: [], failures: [] };
    if (!needsPlan(year, now, this.settings.delayDays)) return advance;
    if (!this.plans.has(year)) {
      const granularity = chooseGranularity(year, facts, now, this.settings);
      this.plans.set(year, granularity);
      advance.plan = { year, granularity };
    }
    for (const period of this.duePeriods(year, now)) {
      if (this.releases.has(period.label)) continue;
      try {
        const { release, excluded } = buildRelease(period, facts.year, this.settings, facts.debriefs);
        this.releases.set(period.label, release);
        advance.releases.push(release);
        if (excluded.length > 0) advance.excluded.push({ period: period.label, reasons: excluded });
      } catch (error) {
        // One period that cannot be built must not stop the others; it is tried again next time.
        advance.failures.push({ period: period.label, error: error as Error });
      }
    }
    return advance;
  }
}
