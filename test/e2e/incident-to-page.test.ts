import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';

/**
 * The spine, end to end through real Kafka and Postgres: a native incident on incidents.reported.v1 →
 * intake → matching → notification pages by SMS (a local Twilio-compatible server) → the supporter
 * accepts over HTTP → reporting counts the case. The same incident delivered again pages nobody.
 */
describe('incident to page to acceptance', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;

  const clinician = {
    identifiers: [{ system: 'urn:oid:2.16.840.1.113883.4.6', value: '1234567893' }],
    displayName: 'Dr. Canary Clinicianname',
    profession: 'physician',
    department: 'emergency',
    facility: 'general',
    phone: '+15550001001',
  };
  const incident = {
    source: 'rl-datix',
    sourceEventId: 'INC-2026-0042',
    occurredAt: '2026-11-26T05:00:00Z',
    reportedAt: '2026-11-26T05:20:00Z',
    category: 'medication-error',
    harmLevel: 'severe',
    facility: 'general',
    department: 'emergency',
    involvedClinicians: [{ identifier: clinician.identifiers[0], role: 'prescriber' }],
  };

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000' },
      },
    });
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(clinician) })).status).toBe(201);
    const supporter = {
      id: 'sup-1',
      displayName: 'Supporter One',
      profession: 'physician',
      department: 'surgery',
      trainingExpiresOn: '2099-12-31',
      maxOpenCases: 3,
      channels: [{ kind: 'sms', address: '+15550002002' }, { kind: 'console', address: '' }],
    };
    expect((await harbor.request('matching', '/v1/roster/supporters', { ...admin, body: JSON.stringify(supporter) })).status).toBe(201);
  });

  afterAll(async () => {
    await harbor?.stop();
    await twilio.stop();
  });

  it('pages once, records the acceptance and counts the case', async () => {
    const producer = kafkaClient().producer();
    await producer.connect();
    const value = JSON.stringify(incident);
    // Delivered twice with the same bytes, then re-sent by the source with a narrative added: one case, one page.
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: [{ key: 'rl-datix|INC-2026-0042', value }] });
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: [{ key: 'rl-datix|INC-2026-0042', value }] });
    await producer.send({
      topic: harbor.topic('incidents.reported.v1'),
      messages: [{ key: 'rl-datix|INC-2026-0042', value: JSON.stringify({ ...incident, narrative: 'resent with free text' }) }],
    });
    await producer.disconnect();

    const page = await waitFor(async () => twilio.messages[0], 'the SMS page');
    expect(page.to).toBe('+15550002002');
    expect(page.from).toBe('+15559990000');
    expect(page.accountSid).toBe('AC-test');
    expect(page.authorization).toBe(`Basic ${Buffer.from('AC-test:secret-token').toString('base64')}`);
    expect(page.body).toMatch(/^Harbor: a colleague may benefit from peer support\. Reply YES (\d{4}) to accept or NO \1 to pass, or open http/);
    // The page carries nothing about the clinician or the event.
    for (const secret of ['Canary', 'Clinicianname', 'medication', 'emergency', '1234567893', 'INC-2026-0042']) {
      expect(page.body).not.toContain(secret);
    }

    const link = /(https?:\/\/\S+\/a\/\S+)/.exec(page.body)![1];
    const linkPath = new URL(link).pathname;
    const pageHtml = await harbor.request('notification', linkPath);
    expect(pageHtml.status).toBe(200);
    expect(await pageHtml.text()).toContain('A colleague may benefit from peer support');

    const accepted = await harbor.request('notification', linkPath, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ response: 'accepted' });
    const again = await harbor.request('notification', linkPath, { method: 'POST', body: JSON.stringify({ decision: 'accept' }) });
    expect(again.status).toBe(409);

    const caseRow = await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT "id", "status" FROM "matching"."cases" WHERE "status" = 'accepted'`);
      return rows[0];
    }, 'the case to be accepted in matching');
    const detail = await harbor.request('matching', `/v1/cases/${caseRow.id}`, { role: Role.ProgramAdmin });
    const body = (await detail.json()) as { status: string; offers: { reasons: unknown[] }[] };
    expect(body.status).toBe('accepted');
    expect(body.offers).toHaveLength(1);
    expect(body.offers[0]).toMatchObject({ supporterId: 'sup-1', status: 'accepted', attempt: 1 });
    expect(body.offers[0].reasons).toEqual([expect.objectContaining({ supporterId: 'sup-1', eligible: true })]);

    const fact = await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT * FROM "reporting"."case_facts" WHERE "status" = 'accepted'`);
      return rows[0];
    }, 'reporting to count the accepted case');
    expect(fact).toMatchObject({ trigger_kind: 'incident', category: 'medication-error', harm_level: 'severe', facility: 'general', profession_group: 'physician', offers: 1 });
    expect(fact.accepted_hour.getUTCMinutes()).toBe(0);
    expect(fact.case_key).not.toContain(caseRow.id);
    const { rows: allFacts } = await harbor.db.query(`SELECT count(*)::int AS n FROM "reporting"."case_facts"`);
    expect(allFacts[0].n).toBe(1);

    // One case, in a period not released yet (a period is released once, after it has ended and settled):
    // Q&S sees no count of it at all, never "1".
    const summary = (await (await harbor.request('reporting', '/v1/metrics/summary', { role: Role.QsAnalyst })).json()) as Record<string, unknown>;
    const yearStart = `${new Date().getUTCFullYear()}-01-01T00:00:00.000Z`;
    expect(summary).toMatchObject({ period: { from: yearStart, to: yearStart }, unreleasedFrom: yearStart });
    expect(summary.accepted).not.toEqual({ value: 1, suppressed: false });
    expect(summary.cases).not.toEqual({ value: 1, suppressed: false });

    // Nothing further arrives: the duplicate and the re-sent incident did not page again.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(twilio.messages).toHaveLength(1);
    const { rows: cases } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."cases"`);
    expect(cases[0].n).toBe(1);
    const { rows: triggers } = await harbor.db.query(`SELECT count(*)::int AS n FROM "intake"."trigger_clinicians"`);
    expect(triggers[0].n).toBe(1);
  });

  it('keeps the routes closed to callers without the right role', async () => {
    expect((await harbor.request('reporting', '/v1/metrics/summary')).status).toBe(401);
    expect((await harbor.request('reporting', '/v1/metrics/summary', { role: Role.Supporter })).status).toBe(403);
    const forged = await harbor.request('reporting', '/v1/metrics/summary', { headers: { authorization: 'Bearer not.a.jwt' } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toContain('application/problem+json');
    expect((await harbor.request('matching', '/v1/roster/supporters', { method: 'POST', role: Role.QsAnalyst, body: '{}' })).status).toBe(403);
  });
});
