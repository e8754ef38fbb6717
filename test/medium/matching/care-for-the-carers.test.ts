import pino from 'pino';
import { EntityManager } from 'typeorm';
import { OutboxWriter, TopicNames } from '@harbor/messaging';
import { careFilter, staticPrefilter } from '../../../apps/matching/src/cases/candidate-pool';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { TrainingReminderSettings } from '../../../apps/matching/src/matching.settings';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { CaseToMatch, monthOf } from '../../../apps/matching/src/policy/matching-decision';
import { MatchingPolicy } from '../../../apps/matching/src/policy/policy';
import { ProgramStaffStore } from '../../../apps/matching/src/roster/program-staff-store';
import { SupporterProfile, SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { SendTrainingReminders } from '../../../apps/matching/src/roster/training-reminders.usecase';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const DAY = 86_400_000;
const dateIn = (now: Date, days: number) => new Date(now.getTime() + days * DAY).toISOString().slice(0, 10);

/**
 * Care for the carers on a real schema without Kafka: the candidate query (one round trip) leaves out supporters
 * resting after a severe case or at their monthly cap, the reservation re-checks both under the row lock so
 * concurrent decisions never exceed the cap, and each training reminder is sent once however often and however
 * concurrently the job runs.
 */
describe('care for the carers (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let supporters: SupporterStore;
  let staff: ProgramStaffStore;
  let reminders: SendTrainingReminders;
  const now = new Date();

  const policy: MatchingPolicy = {
    departmentRule: 'any', professionRule: 'any', languageRule: 'any', ackTimeoutSeconds: 900, overallDeadlineSeconds: 1800, maxOffers: 3,
    followUpSeconds: [], fallbackResource: 'line', restAfterSevereHours: 48, monthlyCaseCap: 4, groupDebriefMinClinicians: 3,
  };
  const kase: CaseToMatch = { clinicianId: null, profession: 'nurse', department: null, languages: [], involvedClinicianIds: [], alreadyOffered: [] };

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    supporters = new SupporterStore(database.dataSource);
    staff = new ProgramStaffStore(database.dataSource);
    const outbox = new OutboxWriter('matching', 'harbor/matching', new TopicNames(''));
    reminders = new SendTrainingReminders(database.dataSource, outbox, supporters, staff, new TrainingReminderSettings([30, 7]), pino({ level: 'silent' }));
  });

  afterAll(async () => {
    await database?.close();
  });

  const transaction = <T>(work: (manager: EntityManager) => Promise<T>) => database.dataSource.transaction(work);

  const profile = (id: string, program: string, changes: Partial<SupporterProfile> = {}): SupporterProfile => ({
    id, displayName: `Supporter ${id}`, profession: 'Nurse', department: 'ICU', status: 'active', trainingExpiresOn: '2099-12-31',
    maxOpenCases: 10, channels: [{ kind: 'sms', address: '+15550000001' }], program, languages: ['en'], timeZone: 'UTC', optedOut: false,
    ...changes,
  });

  async function save(...profiles: SupporterProfile[]): Promise<void> {
    await transaction(async (manager) => {
      for (const supporter of profiles) await supporters.save(manager, supporter);
      await supporters.refreshAvailability(manager);
    });
  }

  const setCounter = (id: string, month: string, count: number) =>
    database.dataSource.query(`UPDATE "matching"."supporters" SET "cases_month" = $2::date, "cases_in_month" = $3 WHERE "id" = $1`, [id, `${month}-01`, count]);

  async function candidateIds(program: string): Promise<string[]> {
    const pages = await transaction((manager) => supporters.candidateFirstPages(manager, program, [{}], staticPrefilter(kase, policy, now)));
    return pages[0].map((candidate) => candidate.id).sort();
  }

  it('reads no resting, capped or expired supporter as a candidate; opting in, a finished rest and a new month let them back', async () => {
    const lastMonth = monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15)));
    await save(
      profile('ok', 'care'), profile('resting', 'care'), profile('opted-in', 'care', { acceptsCasesWhileResting: true }), profile('rested', 'care'),
      profile('capped', 'care'), profile('capped-last-month', 'care'), profile('expired', 'care', { trainingExpiresOn: dateIn(now, -1) }),
    );
    await transaction(async (manager) => {
      await supporters.startRest(manager, 'resting', new Date(now.getTime() - 10 * 3_600_000));
      await supporters.startRest(manager, 'opted-in', new Date(now.getTime() - 10 * 3_600_000));
      await supporters.startRest(manager, 'rested', new Date(now.getTime() - 50 * 3_600_000));
    });
    await setCounter('capped', monthOf(now), 4);
    await setCounter('capped-last-month', lastMonth, 9);

    expect(await candidateIds('care')).toEqual(['capped-last-month', 'ok', 'opted-in', 'rested']);

    // The rows reach the policy with what it needs to say why (the whole pool, as the census reads it).
    const pool = await transaction((manager) => supporters.pool(manager, 'care'));
    expect(pool.find((candidate) => candidate.id === 'capped')).toMatchObject({ casesMonth: monthOf(now), casesInMonth: 4 });
    expect(pool.find((candidate) => candidate.id === 'opted-in')).toMatchObject({ acceptsCasesWhileResting: true, lastSevereAcceptedAt: expect.any(Date) });

    // A rest never moves backwards (a late answer to an older severe case).
    await transaction((manager) => supporters.startRest(manager, 'resting', new Date(now.getTime() - 100 * 3_600_000)));
    expect(await candidateIds('care')).not.toContain('resting');
  });

  it('counts offers towards the cap under the row lock: concurrent reservations never exceed it; an unaccepted offer gives its case back', async () => {
    await save(profile('busy', 'cap'));
    const care = careFilter({ ...policy, monthlyCaseCap: 2 }, now);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => transaction((manager) => supporters.reserve(manager, 'busy', true, care))));
    expect(results.filter(Boolean)).toHaveLength(2);
    const [row] = await database.dataSource.query(`SELECT "open_cases", "cases_in_month", to_char("cases_month", 'YYYY-MM') AS month FROM "matching"."supporters" WHERE "id" = 'busy'`);
    expect(row).toEqual({ open_cases: 2, cases_in_month: 2, month: monthOf(now) });

    // Declined: capacity and the month's count come back, so one more offer fits; accepted offers keep counting.
    await transaction((manager) => supporters.releaseCapacity(manager, 'busy', monthOf(now)));
    expect(await transaction((manager) => supporters.reserve(manager, 'busy', true, care))).toBeDefined();
    expect(await transaction((manager) => supporters.reserve(manager, 'busy', true, care))).toBeUndefined();
    // A closed accepted case gives capacity back but not the month's count.
    await transaction((manager) => supporters.releaseCapacity(manager, 'busy'));
    expect(await transaction((manager) => supporters.reserve(manager, 'busy', true, care))).toBeUndefined();
    // No cap: the offer is still counted, so a cap set later sees the month's cases.
    expect(await transaction((manager) => supporters.reserve(manager, 'busy', true, careFilter({ ...policy, monthlyCaseCap: 0 }, now)))).toBeDefined();
    const [after] = await database.dataSource.query(`SELECT "cases_in_month" FROM "matching"."supporters" WHERE "id" = 'busy'`);
    expect(after.cases_in_month).toBe(3);
  });

  it('reserves a resting supporter only when they opted in', async () => {
    await save(profile('tired', 'rest'), profile('keen', 'rest', { acceptsCasesWhileResting: true }));
    await transaction(async (manager) => {
      await supporters.startRest(manager, 'tired', now);
      await supporters.startRest(manager, 'keen', now);
    });
    const care = careFilter(policy, new Date(now.getTime() + 1000));
    expect(await transaction((manager) => supporters.reserve(manager, 'tired', true, care))).toBeUndefined();
    expect(await transaction((manager) => supporters.reserve(manager, 'keen', true, care))).toBeDefined();
    // After the rest period the first is reserved again.
    const later = careFilter(policy, new Date(now.getTime() + 49 * 3_600_000));
    expect(await transaction((manager) => supporters.reserve(manager, 'tired', true, later))).toBeDefined();
  });

  describe('training reminders', () => {
    const pages = async (): Promise<{ kind: string; caseId: string; recipientId: string; pageId: string }[]> =>
      (await database.dataSource.query(
        `SELECT "payload" FROM "matching"."outbox" WHERE "topic" = 'staff-pages.requested.v1' AND "payload"->>'kind' = 'training-reminder' ORDER BY "seq"`,
      )).map((row: { payload: { kind: string; caseId: string; recipientId: string; pageId: string } }) => row.payload);

    it('pages the supporter and the program administrators once per threshold, however often and concurrently it runs', async () => {
      await save(
        profile('lapse-20', 'train', { trainingExpiresOn: dateIn(now, 20) }),
        profile('lapse-5', 'train', { trainingExpiresOn: dateIn(now, 5) }),
        profile('lapse-40', 'train', { trainingExpiresOn: dateIn(now, 40) }),
        profile('lapse-gone', 'train', { trainingExpiresOn: dateIn(now, 5), optedOut: true }),
        profile('lapsed', 'train', { trainingExpiresOn: dateIn(now, -1) }),
      );
      await staff.save({ id: 'admin-1', program: 'train', role: 'administrator', displayName: 'Admin', channels: [{ kind: 'email', address: 'a@example.org' }], active: true });
      await staff.save({ id: 'director-1', program: 'train', role: 'director', displayName: 'Director', channels: [{ kind: 'email', address: 'd@example.org' }], active: true });
      await staff.save({ id: 'admin-old', program: 'train', role: 'administrator', displayName: 'Old', channels: [{ kind: 'email', address: 'o@example.org' }], active: false });

      expect(await reminders.execute(now)).toBe(2);
      expect(await reminders.execute(now)).toBe(0);
      const sent = await pages();
      expect(sent.map((page) => page.recipientId).sort()).toEqual(['admin-1', 'admin-1', 'lapse-20', 'lapse-5']);
      expect(new Set(sent.map((page) => page.pageId)).size).toBe(4);
      const [{ count }] = await database.dataSource.query(`SELECT count(*)::int AS count FROM "matching"."training_reminders"`);
      expect(count).toBe(2);

      // Two replicas at once: one runs, the other skips (or finds nothing left); each reminder once.
      await save(profile('lapse-25', 'train', { trainingExpiresOn: dateIn(now, 25) }));
      const both = await Promise.all([reminders.execute(now), reminders.execute(now)]);
      expect(both.reduce((sum, sentNow) => sum + sentNow, 0)).toBe(1);
      expect(await pages()).toHaveLength(6);

      // Two weeks later the 20-day supporter has 6 days left (the 7-day reminder), the 40-day one 26 (the 30-day
      // reminder), and the 25-day one 11 (its 30-day reminder is already sent): two reminders, once.
      const later = new Date(now.getTime() + 14 * DAY);
      expect(await reminders.execute(later)).toBe(2);
      expect(await reminders.execute(later)).toBe(0);
      expect(await pages()).toHaveLength(10);

      // Renewed training is a new expiry date: its reminders come again in time.
      await save(profile('lapse-5', 'train', { trainingExpiresOn: dateIn(now, 370) }));
      expect(await reminders.execute(new Date(now.getTime() + 345 * DAY))).toBeGreaterThanOrEqual(1);
    });

    it('lists who lapses when, soonest first, without the lapsed or opted out', async () => {
      const lapses = await supporters.trainingLapses(now.toISOString().slice(0, 10), 30, 'train');
      expect(lapses.map((lapse) => [lapse.id, lapse.daysLeft])).toEqual([['lapse-20', 20], ['lapse-25', 25]]);
      expect(lapses[0]).toEqual({ id: 'lapse-20', program: 'train', status: 'active', trainingExpiresOn: dateIn(now, 20), daysLeft: 20 });
    });
  });
});
