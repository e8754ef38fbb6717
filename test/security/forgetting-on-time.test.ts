import { Admin, ConfigResourceTypes } from 'kafkajs';
import { Role } from '@harbor/auth';
import { PERSONAL_DATA_TOPIC_RETENTION_MS } from '@harbor/contracts';
import { ForgetOnTime } from '../../apps/intake/src/triggers/forget-on-time.usecase';
import { PurgeClosedCases } from '../../apps/matching/src/cases/purge-closed-cases.usecase';
import { PurgeFinishedDispatches } from '../../apps/notification/src/dispatch/purge-finished-dispatches.usecase';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';

const DAY_MS = 86_400_000;
/** Kept by design, and documented in docs/security.md: the hospital's directory, and sent outbox rows for an hour. */
const DIRECTORY_TABLES = new Set(['matching.clinicians', 'matching.clinician_identifiers']);

/**
 * Forgetting on time, through the whole platform: a clinician is paged for, supported and the case closed; after
 * the retention periods the purges leave no name, phone, email or identifier of that clinician in any table
 * (besides the hospital's own directory, which the directory import owns), and every topic that still holds
 * one keeps its records no longer than the documented retention.
 */
describe('forgetting on time', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  let admin: Admin;
  const clinician = {
    identifiers: [{ system: 'urn:harbor:staff-id', value: 'FORGET-77123' }],
    displayName: 'Dr. Forgettable Oblivionsdottir',
    profession: 'physician',
    department: 'emergency',
    facility: 'general',
    phone: '+15550007777',
    email: 'forgettable.oblivionsdottir@hospital.example',
  };
  const secrets = ['FORGET-77123', 'Oblivionsdottir', 'Forgettable', '+15550007777', '15550007777', 'forgettable.oblivionsdottir'];
  const supporterAddress = '+15550008888';

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000' },
      },
    });
    admin = kafkaClient().admin();
    await admin.connect();
    const asAdmin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...asAdmin, body: JSON.stringify(clinician) })).status).toBe(201);
    const supporter = {
      id: 'sup-forget', displayName: 'Supporter Keeps', profession: 'physician', department: 'surgery', trainingExpiresOn: '2099-12-31', maxOpenCases: 3,
      channels: [{ kind: 'sms', address: supporterAddress }],
    };
    expect((await harbor.request('matching', '/v1/roster/supporters', { ...asAdmin, body: JSON.stringify(supporter) })).status).toBe(201);
  });

  afterAll(async () => {
    await admin?.disconnect();
    await harbor?.stop();
    await twilio.stop();
  });

  /** The source system reports the clinician's incident (again, with what changed). */
  async function reportIncident(changes: { harmLevel: string; reportedAt: string }): Promise<void> {
    const producer = kafkaClient().producer();
    await producer.connect();
    const incident = {
      source: 'rl-datix', sourceEventId: 'INC-FORGET-1', occurredAt: '2026-11-26T05:00:00Z', category: 'medication-error', facility: 'general',
      department: 'emergency', involvedClinicians: [{ identifier: clinician.identifiers[0], role: 'prescriber' }], ...changes,
    };
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: [{ key: 'rl-datix|INC-FORGET-1', value: JSON.stringify(incident) }] });
    await producer.disconnect();
  }

  /** Every table of Harbor's four schemas whose rows, as text, contain one of the strings. */
  async function tablesHolding(strings: string[]): Promise<string[]> {
    const { rows: tables } = await harbor.db.query(
      `SELECT table_schema AS "schema", table_name AS "table" FROM information_schema.tables
       WHERE table_schema IN ('intake', 'matching', 'notification', 'reporting') AND table_type = 'BASE TABLE'`,
    );
    const holding: string[] = [];
    for (const { schema, table } of tables) {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "${schema}"."${table}" t WHERE t::text ILIKE ANY($1)`, [strings.map((s) => `%${s}%`)]);
      if (rows[0].n > 0) holding.push(`${schema}.${table}`);
    }
    return holding.sort();
  }

  it('leaves nothing identifying after the retention periods, and topics keep it no longer than documented', async () => {
    await reportIncident({ harmLevel: 'severe', reportedAt: '2026-11-26T05:20:00Z' });

    // Paged, accepted through the link, contact made and closed by the supporter.
    const page = await waitFor(async () => twilio.messages[0], 'the SMS page');
    const linkPath = new URL(/(https?:\/\/\S+\/a\/\S+)/.exec(page.body)![1]).pathname;
    expect((await harbor.request('notification', linkPath, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) })).status).toBe(200);
    const caseId = await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT "id" FROM "matching"."cases" WHERE "status" = 'accepted'`);
      return rows[0]?.id as string | undefined;
    }, 'the case to be accepted');
    const supporterToken = await harbor.token(Role.Supporter, 'sup-forget');
    const outcome = (body: object) =>
      harbor.request('matching', `/v1/cases/${caseId}/outcome`, {
        method: 'POST', headers: { authorization: `Bearer ${supporterToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
    expect((await outcome({ contactMade: true })).status).toBe(200);
    expect((await outcome({ close: true })).status).toBe(200);
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT 1 FROM "notification"."offers" WHERE "status" = 'closed'`);
      return rows.length > 0;
    }, 'notification to close the offer');
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "notification"."dispatches" WHERE "finished_at" IS NULL`)).rows.length === 0, 'every page to finish');

    // Before the purge the scan does find the clinician in the case data, so its silence afterwards means something.
    const before = await tablesHolding(secrets);
    expect(before).toEqual(expect.arrayContaining(['intake.trigger_clinicians', 'matching.cases']));
    expect(await tablesHolding([supporterAddress])).toEqual(expect.arrayContaining(['notification.dispatches']));

    // Had the same event named the supporter too (docs/matching.md), that goes with the case's identifying data.
    await harbor.db.query(`UPDATE "matching"."assignments" SET "named_in_event_at" = now() WHERE "case_id" = $1`, [caseId]);

    // A day before the retention ends nothing is purged; after it, everything due is.
    const tooEarly = new Date(Date.now() + 29 * DAY_MS);
    expect(await harbor.apps.matching.get(PurgeClosedCases).execute(tooEarly)).toBe(0);
    const later = new Date(Date.now() + 31 * DAY_MS);
    expect(await harbor.apps.matching.get(PurgeClosedCases).execute(later)).toBe(1);
    expect((await harbor.apps.intake.get(ForgetOnTime).execute(later)).triggers).toBe(1);
    expect(await harbor.apps.notification.get(PurgeFinishedDispatches).execute(later)).toBeGreaterThan(0);

    // Sent outbox rows are kept an hour for inspection (documented); a day later the relay has deleted them.
    await harbor.db.query(`DELETE FROM "intake"."outbox" WHERE "sent_at" IS NOT NULL`);
    await harbor.db.query(`DELETE FROM "matching"."outbox" WHERE "sent_at" IS NOT NULL`);
    await harbor.db.query(`DELETE FROM "notification"."outbox" WHERE "sent_at" IS NOT NULL`);
    const after = (await tablesHolding(secrets)).filter((table) => !DIRECTORY_TABLES.has(table));
    expect(after).toEqual([]);
    expect(await tablesHolding([supporterAddress])).toEqual(['matching.supporters']);

    // The case's history stays: status, outcome flags and who supported, with nothing pointing at the clinician.
    const { rows: [kase] } = await harbor.db.query(`SELECT * FROM "matching"."cases" WHERE "id" = $1`, [caseId]);
    expect(kase).toMatchObject({ status: 'closed', clinician_id: null, identifier_value: null, event_key: null, department: null });
    expect(kase.purged_at).toBeInstanceOf(Date);
    const { rows: [{ named }] } = await harbor.db.query(`SELECT count(*)::int AS "named" FROM "matching"."assignments" WHERE "case_id" = $1 AND "named_in_event_at" IS NOT NULL`, [caseId]);
    expect(named).toBe(0);
    const detail = await harbor.request('matching', `/v1/cases/${caseId}`, { role: Role.ProgramAdmin });
    expect(detail.status).toBe(200);

    // A late update of that incident asks nobody again: its people were forgotten.
    await reportIncident({ harmLevel: 'death', reportedAt: '2026-11-27T05:20:00Z' });
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "intake"."triggers" WHERE "harm_level" = 'death'`)).rows.length > 0, 'intake to record the update');
    expect((await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."trigger_clinicians"`)).rows[0].n).toBe(0);
    expect((await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."cases"`)).rows[0].n).toBe(1);

    // Topics: every one Harbor writes that still holds the clinician keeps records at most the documented week.
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(harbor.topic('')) && !topic.startsWith(harbor.topic('incidents.')));
    const holding = await topicsHolding(topics, secrets);
    expect(holding).toEqual(expect.arrayContaining([harbor.topic('support.requested.v1')]));
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: holding.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })),
    });
    for (const resource of resources) {
      const retention = Number(resource.configEntries.find((entry) => entry.configName === 'retention.ms')?.configValue);
      expect({ topic: resource.resourceName, retention }).toEqual({ topic: resource.resourceName, retention: expect.any(Number) });
      expect(retention).toBeLessThanOrEqual(PERSONAL_DATA_TOPIC_RETENTION_MS);
    }
  }, 180_000);

  /** The topics (read from the beginning) with a record whose value contains one of the strings. */
  async function topicsHolding(topics: string[], strings: string[]): Promise<string[]> {
    const offsets = await Promise.all(topics.map(async (topic) => ({ topic, partitions: await admin.fetchTopicOffsets(topic) })));
    const withRecords = offsets.filter(({ partitions }) => partitions.some((partition) => Number(partition.high) > 0));
    const consumer = kafkaClient().consumer({ groupId: `forgetting-scan-${Date.now()}` });
    const found = new Set<string>();
    const seen = new Map<string, number>();
    const expected = new Map(withRecords.map(({ topic, partitions }) => [topic, partitions.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0)]));
    await consumer.connect();
    await consumer.subscribe({ topics: withRecords.map(({ topic }) => topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        seen.set(topic, (seen.get(topic) ?? 0) + 1);
        const text = message.value?.toString('utf8') ?? '';
        if (strings.some((secret) => text.toLowerCase().includes(secret.toLowerCase()))) found.add(topic);
      },
    });
    await waitFor(async () => [...expected].every(([topic, count]) => (seen.get(topic) ?? 0) >= count), 'every record of every topic to be read', 60_000);
    await consumer.disconnect();
    return [...found].sort();
  }
});
