import { randomUUID } from 'node:crypto';
import { CaseLifecycleV1 } from '@harbor/contracts';
import { ServiceMetrics } from '@harbor/observability';
import { caseKey, supporterKey } from '../../../apps/reporting/src/facts/case-key';
import { CaseFactStore } from '../../../apps/reporting/src/facts/case-fact-store';
import { RecordCaseFact } from '../../../apps/reporting/src/facts/record-case-fact.usecase';
import { REPORTING_MIGRATIONS } from '../../../apps/reporting/src/migrations';
import { ReportingEnv } from '../../../apps/reporting/src/reporting.env';
import { PseudonymKey } from '../../../apps/reporting/src/reporting.settings';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const HASH_KEY = 'case-facts-test-hash-key';
/** The adverse event; every lifecycle time below is minutes after it. */
const OCCURRED = Date.UTC(2025, 2, 3, 8, 0);
const at = (minutes: number) => new Date(OCCURRED + minutes * 60_000).toISOString();
const hour = (minutes: number) => new Date(Math.floor((OCCURRED + minutes * 60_000) / 3_600_000) * 3_600_000);
const supporter = (id: string) => supporterKey(HASH_KEY, id);

type Shape = Omit<CaseLifecycleV1, 'caseId' | 'trigger' | 'facility' | 'at'> & { minutes: number };

/** The row a case's first event creates, before anything status-specific. */
function freshRow(first: Shape): Record<string, unknown> {
  return {
    trigger_kind: 'incident',
    category: 'medication-error',
    harm_level: 'severe',
    facility: 'north',
    department: 'icu',
    profession_group: 'physician',
    status: first.status,
    opened_hour: hour(first.minutes),
    requested_hour: null,
    first_offer_hour: null,
    accepted_hour: null,
    escalated_hour: null,
    closed_hour: null,
    offers: 0,
    minutes_to_request: null,
    minutes_to_first_offer: null,
    minutes_to_last_offer: null,
    minutes_to_accept: null,
    minutes_offer_to_accept: null,
    minutes_to_contact: null,
    reached: false,
    clinician_declined: false,
    referrals: [],
    follow_ups_completed: 0,
    escalation_reason: null,
    fallback_offered: false,
    supporter_key: null,
  };
}

/**
 * Every lifecycle status and outcome shape folded into a real reporting schema: the whole resulting row,
 * and the statements each event costs: a case's first event, the INSERT then at most one UPDATE; every later event, one
 * upsert that carries its assignments.
 */
describe('recording case facts from lifecycle events', () => {
  let database: ServiceDatabase<ReportingEnv>;
  let record: RecordCaseFact;

  beforeAll(async () => {
    database = await openServiceDatabase(ReportingEnv, 'reporting', REPORTING_MIGRATIONS, { REPORTING_HASH_KEY: HASH_KEY });
    record = new RecordCaseFact(new PseudonymKey(HASH_KEY), new ServiceMetrics('reporting'), new CaseFactStore(database.dataSource));
  });

  afterAll(async () => {
    await database?.close();
  });

  /** Records the events of one new case in order; returns its row and the statements each event ran. */
  async function fold(shapes: Shape[]): Promise<{ row: Record<string, unknown>; statements: number[] }> {
    const caseId = randomUUID();
    const statements: number[] = [];
    for (const { minutes, ...shape } of shapes) {
      const change: CaseLifecycleV1 = {
        caseId,
        trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: at(0) },
        facility: 'north',
        department: 'icu',
        professionGroup: 'physician',
        at: at(minutes),
        ...shape,
      };
      await database.dataSource.transaction(async (manager) => {
        const query = jest.spyOn(manager, 'query');
        await record.execute(manager, change);
        statements.push(query.mock.calls.length);
      });
    }
    const [row] = await database.dataSource.query(`SELECT * FROM "reporting"."case_facts" WHERE "case_key" = $1`, [caseKey(HASH_KEY, caseId)]);
    delete row.case_key;
    return { row, statements };
  }

  it('requested: anchors the period and the minutes to the request', async () => {
    const shapes: Shape[] = [{ status: 'requested', minutes: 30 }];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), requested_hour: hour(30), minutes_to_request: 30 },
      statements: [2],
    });
  });

  it('requested after a later offer moves the opened hour back and keeps the first minutes to request', async () => {
    const shapes: Shape[] = [
      { status: 'offered', minutes: 130, attempt: 1, supporterId: 'sup-a' },
      { status: 'requested', minutes: 30 },
      { status: 'requested', minutes: 200 },
    ];
    expect(await fold(shapes)).toEqual({
      row: {
        ...freshRow(shapes[0]),
        status: 'requested',
        opened_hour: hour(30),
        requested_hour: hour(30),
        minutes_to_request: 30,
        offers: 1,
        first_offer_hour: hour(130),
        minutes_to_first_offer: 130,
        minutes_to_last_offer: 130,
      },
      statements: [2, 1, 1],
    });
  });

  it('offered: counts offers, keeps the first offer and the latest one', async () => {
    const shapes: Shape[] = [
      { status: 'requested', minutes: 30 },
      { status: 'offered', minutes: 62, attempt: 1, supporterId: 'sup-a' },
      { status: 'offered', minutes: 130, attempt: 2, supporterId: 'sup-b' },
    ];
    expect(await fold(shapes)).toEqual({
      row: {
        ...freshRow(shapes[0]),
        status: 'offered',
        requested_hour: hour(30),
        minutes_to_request: 30,
        offers: 2,
        first_offer_hour: hour(62),
        minutes_to_first_offer: 62,
        minutes_to_last_offer: 130,
      },
      statements: [2, 1, 1],
    });
  });

  it('accepted: times the acceptance from the last offer, and the accepting supporter replaces one filled in earlier', async () => {
    const shapes: Shape[] = [
      { status: 'offered', minutes: 62, attempt: 1, supporterId: 'sup-a' },
      { status: 'contacted', minutes: 75, supporterId: 'sup-c' }, // arrived before the acceptance
      { status: 'accepted', minutes: 70, attempt: 1, supporterId: 'sup-b' },
      { status: 'accepted', minutes: 90, attempt: 1, supporterId: 'sup-b' },
    ];
    expect(await fold(shapes)).toEqual({
      row: {
        ...freshRow(shapes[0]),
        status: 'accepted',
        offers: 1,
        first_offer_hour: hour(62),
        minutes_to_first_offer: 62,
        minutes_to_last_offer: 62,
        accepted_hour: hour(70),
        minutes_to_accept: 70,
        minutes_offer_to_accept: 8,
        reached: true,
        minutes_to_contact: 75,
        supporter_key: supporter('sup-b'),
      },
      statements: [2, 1, 1, 1],
    });
  });

  it('accepted without a recorded offer: zero minutes from offer to acceptance (GREATEST ignores the missing offer)', async () => {
    const shapes: Shape[] = [{ status: 'accepted', minutes: 40, attempt: 1, supporterId: 'sup-a' }];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), accepted_hour: hour(40), minutes_to_accept: 40, minutes_offer_to_accept: 0, supporter_key: supporter('sup-a') },
      statements: [2],
    });
  });

  it('contacted with an outcome: reached once, referrals merged without duplicates, the accepting supporter kept', async () => {
    const shapes: Shape[] = [
      { status: 'accepted', minutes: 10, attempt: 1, supporterId: 'sup-a' },
      { status: 'contacted', minutes: 25, supporterId: 'sup-b', outcome: { contactMade: true, supportDeclined: false, referrals: ['legal', 'eap-therapy', 'legal'] } },
      { status: 'contacted', minutes: 50, supporterId: 'sup-b', outcome: { contactMade: true, referrals: ['external-line', 'legal'] } },
    ];
    expect(await fold(shapes)).toEqual({
      row: {
        ...freshRow(shapes[0]),
        status: 'contacted',
        accepted_hour: hour(10),
        minutes_to_accept: 10,
        minutes_offer_to_accept: 0,
        reached: true,
        minutes_to_contact: 25,
        referrals: ['eap-therapy', 'external-line', 'legal'],
        supporter_key: supporter('sup-a'),
      },
      statements: [2, 1, 1],
    });
  });

  it('contacted without an outcome or an acceptance: reached, and the contacting supporter filled in', async () => {
    const shapes: Shape[] = [{ status: 'contacted', minutes: 45, supporterId: 'sup-c' }];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), reached: true, minutes_to_contact: 45, supporter_key: supporter('sup-c') },
      statements: [2],
    });
  });

  it('declined-by-clinician with contact made and support declined: reached and declined, each once', async () => {
    const shapes: Shape[] = [
      { status: 'declined-by-clinician', minutes: 20, supporterId: 'sup-a', outcome: { contactMade: true, supportDeclined: true, referrals: [] } },
      { status: 'declined-by-clinician', minutes: 35, supporterId: 'sup-b' },
    ];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), reached: true, clinician_declined: true, minutes_to_contact: 20, supporter_key: supporter('sup-a') },
      statements: [2, 1],
    });
  });

  it('an outcome without contact made: the contacted status alone marks the case reached, a closing one does not', async () => {
    const contacted: Shape[] = [{ status: 'contacted', minutes: 15, outcome: { contactMade: false, supportDeclined: false, referrals: [] } }];
    expect(await fold(contacted)).toEqual({ row: { ...freshRow(contacted[0]), reached: true, minutes_to_contact: 15 }, statements: [2] });
    const closed: Shape[] = [{ status: 'closed', minutes: 15, outcome: { contactMade: false, supportDeclined: false, referrals: [] } }];
    expect(await fold(closed)).toEqual({ row: { ...freshRow(closed[0]), closed_hour: hour(15) }, statements: [2] });
  });

  it('follow-up: keeps the highest sequence completed (1 when none is given)', async () => {
    const shapes: Shape[] = [
      { status: 'follow-up', minutes: 1440, supporterId: 'sup-a' },
      { status: 'follow-up', minutes: 2880, supporterId: 'sup-b', followUpSequence: 3 },
      { status: 'follow-up', minutes: 3000, followUpSequence: 2 },
    ];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), follow_ups_completed: 3, supporter_key: supporter('sup-a') },
      statements: [2, 1, 1],
    });
  });

  it('escalated: the first hour and reason stay, and a fallback once offered stays offered', async () => {
    const shapes: Shape[] = [
      { status: 'escalated', minutes: 40, escalationReason: 'no-eligible-supporter', fallbackResource: 'national-line' },
      { status: 'escalated', minutes: 90, escalationReason: 'overall-deadline' },
    ];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), escalated_hour: hour(40), escalation_reason: 'no-eligible-supporter', fallback_offered: true },
      statements: [2, 1],
    });
  });

  it('escalated without a fallback or a reason', async () => {
    const shapes: Shape[] = [{ status: 'escalated', minutes: 40 }];
    expect(await fold(shapes)).toEqual({ row: { ...freshRow(shapes[0]), escalated_hour: hour(40) }, statements: [2] });
  });

  it('closed with an outcome: the outcome counts, the supporter of a status that does not carry the case does not', async () => {
    const shapes: Shape[] = [{ status: 'closed', minutes: 2000, supporterId: 'sup-a', outcome: { supportDeclined: true, referrals: ['legal'] } }];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), closed_hour: hour(2000), clinician_declined: true, referrals: ['legal'] },
      statements: [2],
    });
  });

  it('unresolved changes only the status: the upsert alone', async () => {
    const shapes: Shape[] = [
      { status: 'requested', minutes: 30 },
      { status: 'unresolved', minutes: 31 },
    ];
    expect(await fold(shapes)).toEqual({
      row: { ...freshRow(shapes[0]), status: 'unresolved', requested_hour: hour(30), minutes_to_request: 30 },
      statements: [2, 1],
    });
  });
});
