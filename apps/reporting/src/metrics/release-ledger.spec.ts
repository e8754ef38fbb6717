import { caseFact, caseFacts } from './case-fact.fixtures';
import { PlaceVocabulary } from './places';
import { buildRelease, factProblem } from './release';
import { chooseGranularity, ReleaseLedger, ScheduleSettings } from './release-ledger';
import { periodOf } from './periods';

const vocabulary = new PlaceVocabulary(['north', 'south'], ['icu']);
const settings = (overrides: Partial<ScheduleSettings> = {}): ScheduleSettings => ({ minCellSize: 11, vocabulary, delayDays: 14, granularity: 'auto', ...overrides });
const at = (year: number, month: number, day: number) => new Date(Date.UTC(year, month - 1, day));
/** 12 cases in each month of a year. */
const busyYear = (year: number) => Array.from({ length: 12 }, (_, m) => caseFacts(12, { openedHour: at(year, m + 1, 2) })).flat();

describe('ReleaseLedger', () => {
  it('releases a period only once it has ended and settled for the delay', () => {
    const ledger = new ReleaseLedger(settings({ granularity: 'month' }));
    ledger.advance(2025, { year: busyYear(2025), previous: [] }, at(2025, 2, 14));
    expect([...ledger.releases.keys()]).toEqual([]);
    ledger.advance(2025, { year: busyYear(2025), previous: [] }, at(2025, 2, 15));
    expect([...ledger.releases.keys()]).toEqual(['2025-01']);
    ledger.advance(2025, { year: busyYear(2025), previous: [] }, at(2025, 4, 20));
    expect([...ledger.releases.keys()]).toEqual(['2025-01', '2025-02', '2025-03']);
  });

  it('never changes a fixed release or a fixed granularity, whatever arrives later', () => {
    const ledger = new ReleaseLedger(settings());
    ledger.advance(2025, { year: busyYear(2025), previous: busyYear(2024) }, at(2025, 3, 1));
    expect(ledger.plans.get(2025)).toBe('month');
    const january = JSON.stringify(ledger.releases.get('2025-01'));
    const late = [...busyYear(2025), ...caseFacts(3, { facility: 'south', openedHour: at(2025, 1, 20) })];
    // A quiet rest of the year would now suggest quarters; the year stays by month.
    expect(ledger.advance(2025, { year: late, previous: [] }, at(2026, 2, 1)).plan).toBeUndefined();
    expect(JSON.stringify(ledger.releases.get('2025-01'))).toBe(january);
    expect([...ledger.releases.values()].every((release) => release.period.granularity === 'month')).toBe(true);
  });

  it('isolates a period that cannot be built, releases the others, and tries it again later', () => {
    let broken = true;
    const fragile = Object.assign(Object.create(PlaceVocabulary.prototype) as PlaceVocabulary, vocabulary, {
      facility: (raw: string | null) => {
        if (broken && raw === 'south') throw new Error('vocabulary unavailable');
        return vocabulary.facility(raw);
      },
      department: (raw: string | null) => vocabulary.department(raw),
    });
    const facts = [...busyYear(2025), caseFact({ facility: 'south', openedHour: at(2025, 2, 10) })];
    const ledger = new ReleaseLedger(settings({ granularity: 'month', vocabulary: fragile }));
    const first = ledger.advance(2025, { year: facts, previous: [] }, at(2025, 4, 20));
    expect(first.failures.map((failure) => failure.period)).toEqual(['2025-02']);
    expect([...ledger.releases.keys()]).toEqual(['2025-01', '2025-03']);
    broken = false;
    expect(ledger.hasWork(2025, at(2025, 4, 20))).toBe(true);
    expect(ledger.advance(2025, { year: facts, previous: [] }, at(2025, 4, 20)).releases.map((release) => release.period.label)).toEqual(['2025-02']);
  });
});

describe('chooseGranularity', () => {
  it('judges a year that is over by its own cases', () => {
    expect(chooseGranularity(2024, { year: busyYear(2024), previous: [] }, at(2025, 6, 1), settings())).toBe('month');
    const quarters = [1, 2, 4, 5, 7, 8, 10, 11].flatMap((month) => caseFacts(6, { openedHour: at(2024, month, 2) }));
    expect(chooseGranularity(2024, { year: quarters, previous: [] }, at(2025, 6, 1), settings())).toBe('quarter');
    expect(chooseGranularity(2024, { year: caseFacts(12, { openedHour: at(2024, 1, 2) }), previous: [] }, at(2025, 6, 1), settings())).toBe('month');
    expect(chooseGranularity(2024, { year: caseFacts(5, { openedHour: at(2024, 1, 2) }), previous: [] }, at(2025, 6, 1), settings())).toBe('year');
  });

  it('judges the running year by the year before, and by the whole year when nothing came before', () => {
    expect(chooseGranularity(2025, { year: [], previous: busyYear(2024) }, at(2025, 2, 20), settings())).toBe('month');
    expect(chooseGranularity(2025, { year: busyYear(2025), previous: [] }, at(2025, 2, 20), settings())).toBe('year');
  });

  it('uses a configured granularity instead', () => {
    expect(chooseGranularity(2025, { year: busyYear(2025), previous: busyYear(2024) }, at(2025, 2, 20), settings({ granularity: 'quarter' }))).toBe('quarter');
  });
});

describe('one bad fact never takes a release down', () => {
  const period = periodOf(at(2025, 1, 1), 'year');

  it('names what is wrong with a fact without repeating its values', () => {
    expect(factProblem(caseFact())).toBeNull();
    expect(factProblem(caseFact({ triggerKind: 'bogus' }))).toBe('value outside the reporting vocabulary');
    expect(factProblem(caseFact({ harmLevel: '=cmd' }))).toBe('value outside the reporting vocabulary');
    expect(factProblem(caseFact({ minutesToFirstContact: Number.NaN }))).toBe('invalid duration');
    expect(factProblem(caseFact({ openedHour: new Date('x') }))).toBe('invalid opening time');
  });

  it('leaves bad facts out and counts the rest', () => {
    const facts = [...caseFacts(12), caseFact({ triggerKind: 'bogus' }), caseFact({ professionGroup: 'surgeon' }), caseFact({ escalated: true, escalationReason: 'weather' })];
    const { release, excluded } = buildRelease(period, facts, { minCellSize: 11, vocabulary });
    expect(excluded).toEqual(['value outside the reporting vocabulary', 'value outside the reporting vocabulary', 'value outside the reporting vocabulary']);
    expect(release.rows['["all"]'].cells.cases).toEqual({ value: 12, suppressed: false });
  });
});
