import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { SupporterProfile, SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

/**
 * The end-of-year recognition list on a real schema: only supporters who consented appear, each with the cases they
 * accepted in that calendar year (UTC, by when they accepted) and the colleagues they reached (a recorded contact);
 * declined, expired and other years' offers do not count; withdrawing consent takes a supporter off the list; a
 * consenting supporter who left appears only for a year they took a case. Names and counts only.
 */
describe('recognition with consent (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let supporters: SupporterStore;

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    supporters = new SupporterStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  const transaction = <T>(work: (manager: EntityManager) => Promise<T>) => database.dataSource.transaction(work);

  const profile = (id: string, displayName: string, program: string, changes: Partial<SupporterProfile> = {}): SupporterProfile => ({
    id, displayName, profession: 'Nurse', department: 'ICU', status: 'active', trainingExpiresOn: '2099-12-31',
    maxOpenCases: 10, channels: [{ kind: 'sms', address: '+15550000001' }], program, languages: ['en'], timeZone: 'UTC', optedOut: false,
    ...changes,
  });

  const save = (...profiles: SupporterProfile[]) => transaction(async (manager) => {
    for (const supporter of profiles) await supporters.save(manager, supporter);
  });

  /** A case offered to the supporter, answered at `respondedAt` with `status`, and with a contact recorded or not. */
  async function offer(supporterId: string, program: string, status: 'accepted' | 'completed' | 'declined' | 'expired', respondedAt: string | null, contacted: boolean) {
    const caseId = randomUUID();
    await database.dataSource.query(
      `INSERT INTO "matching"."cases" ("id", "request_id", "identifier_system", "identifier_value", "trigger_kind", "category", "event_occurred_at",
         "facility", "status", "program", "accepted_at", "contacted_at")
       VALUES ($1, $2, 'urn:test', $3, 'incident', 'medication-error', $4, 'general', $5, $6, $7, $8)`,
      [caseId, randomUUID(), `clinician-${caseId}`, respondedAt ?? '2025-06-01T00:00:00Z', status === 'completed' ? 'closed' : 'accepted', program,
        status === 'accepted' || status === 'completed' ? respondedAt : null, contacted ? respondedAt : null],
    );
    await database.dataSource.query(
      `INSERT INTO "matching"."assignments" ("id", "case_id", "supporter_id", "attempt", "status", "reasons", "offered_at", "respond_by", "responded_at", "ack_seconds")
       VALUES ($1, $2, $3, 1, $4, '[]', COALESCE($5::timestamptz, '2025-06-01T00:00:00Z'), COALESCE($5::timestamptz, '2025-06-01T00:00:00Z') + interval '15 minutes', $5, 900)`,
      [randomUUID(), caseId, supporterId, status, respondedAt],
    );
  }

  it('lists only consenting supporters, with the cases they accepted that year and the colleagues they reached', async () => {
    const program = `p-${randomUUID().slice(0, 8)}`;
    const other = `q-${randomUUID().slice(0, 8)}`;
    const id = (name: string) => `${program}-${name}`;
    await save(
      profile(id('amara'), 'Amara Okafor', program, { recognitionConsent: true }),
      profile(id('ben'), 'Ben Silent', program),
      profile(id('cleo'), 'Cleo Withdrew', program, { recognitionConsent: true }),
      profile(id('dev'), 'dev Idle', program, { recognitionConsent: true }),
      profile(id('eli'), 'Eli Left', program, { recognitionConsent: true, optedOut: true }),
      profile(id('fay'), 'Fay Left Busy', program, { recognitionConsent: true, optedOut: true }),
      profile(id('gus'), 'Gus Elsewhere', other, { recognitionConsent: true }),
    );
    // Amara in 2025: two reached (one case closed since), one accepted without a contact yet; and what must not count.
    await offer(id('amara'), program, 'completed', '2025-03-04T10:00:00Z', true);
    await offer(id('amara'), program, 'accepted', '2025-12-31T23:59:59Z', true);
    await offer(id('amara'), program, 'accepted', '2025-07-01T08:00:00Z', false);
    await offer(id('amara'), program, 'accepted', '2024-12-31T23:59:59Z', true);
    await offer(id('amara'), program, 'completed', '2026-01-01T00:00:00Z', true);
    await offer(id('amara'), program, 'declined', '2025-05-05T05:00:00Z', false);
    await offer(id('amara'), program, 'expired', null, false);
    // Ben did as much, but did not consent; Cleo consented, then a replace without the flag withdrew it.
    await offer(id('ben'), program, 'completed', '2025-02-02T02:00:00Z', true);
    await offer(id('ben'), program, 'accepted', '2025-02-03T02:00:00Z', true);
    await offer(id('cleo'), program, 'completed', '2025-04-04T04:00:00Z', true);
    await save(profile(id('cleo'), 'Cleo Withdrew', program));
    await offer(id('fay'), program, 'completed', '2025-09-09T09:00:00Z', false);
    await offer(id('gus'), other, 'completed', '2025-10-10T10:00:00Z', true);

    expect(await supporters.recognitionList(2025, program)).toEqual([
      { displayName: 'Amara Okafor', program, casesAccepted: 3, colleaguesReached: 2 },
      { displayName: 'dev Idle', program, casesAccepted: 0, colleaguesReached: 0 },
      { displayName: 'Fay Left Busy', program, casesAccepted: 1, colleaguesReached: 0 },
    ]);
    expect(await supporters.recognitionList(2026, program)).toEqual([
      { displayName: 'Amara Okafor', program, casesAccepted: 1, colleaguesReached: 1 },
      { displayName: 'dev Idle', program, casesAccepted: 0, colleaguesReached: 0 },
    ]);
    expect(await supporters.recognitionList(2024, program)).toContainEqual({ displayName: 'Amara Okafor', program, casesAccepted: 1, colleaguesReached: 1 });

    const everyProgram = await supporters.recognitionList(2025, undefined);
    expect(everyProgram).toContainEqual({ displayName: 'Gus Elsewhere', program: other, casesAccepted: 1, colleaguesReached: 1 });
    const names = everyProgram.map((supporter) => supporter.displayName);
    expect(names).not.toContain('Ben Silent');
    expect(names).not.toContain('Cleo Withdrew');
    expect(names).not.toContain('Eli Left');
    // Names and counts only: no supporter id, no clinician, no case.
    expect(JSON.stringify(everyProgram)).not.toMatch(new RegExp(`${program}-|clinician-|urn:test`));
  });

  it('records when consent was given, keeps that time while it stands, and clears it when withdrawn', async () => {
    const id = `consent-${randomUUID().slice(0, 8)}`;
    expect((await describeConsent(id, () => save(profile(id, 'Hana', 'default'))))).toEqual({ recognitionConsent: false, recognitionConsentAt: null });
    const given = await describeConsent(id, () => save(profile(id, 'Hana', 'default', { recognitionConsent: true })));
    expect(given.recognitionConsent).toBe(true);
    expect(given.recognitionConsentAt).toBeInstanceOf(Date);
    const kept = await describeConsent(id, () => save(profile(id, 'Hana K.', 'default', { recognitionConsent: true })));
    expect(kept.recognitionConsentAt).toEqual(given.recognitionConsentAt);
    expect(await describeConsent(id, () => save(profile(id, 'Hana K.', 'default')))).toEqual({ recognitionConsent: false, recognitionConsentAt: null });
  });

  async function describeConsent(id: string, change: () => Promise<void>) {
    await change();
    const view = (await supporters.describe(id))!;
    return { recognitionConsent: view.recognitionConsent, recognitionConsentAt: view.recognitionConsentAt };
  }
});
