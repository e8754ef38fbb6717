import { Role } from '@harbor/auth';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';

/**
 * One event, a whole unit, end to end through real Kafka and Postgres: a native incident naming three
 * clinicians of the ICU (and one of pharmacy) → intake → matching → notification. Each clinician gets their
 * own outreach AND the program's on-call coordinator gets one group-debrief page naming only the unit. The
 * incident delivered again offers no second debrief; an incident naming two clinicians of a unit offers none.
 * Program staff record the outcome (held, attendance band), which closes the debrief, and reporting counts it.
 */
describe('group debrief: one event, a whole unit', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  const COORDINATOR = '+15550009999';
  const NPI = 'urn:oid:2.16.840.1.113883.4.6';

  const clinicians = [
    { value: '1000000001', department: 'ICU', phone: '+15550001001' },
    { value: '1000000002', department: 'icu', phone: '+15550001002' },
    { value: '1000000003', department: 'ICU', phone: '+15550001003' },
    { value: '1000000004', department: 'pharmacy', phone: '+15550001004' },
    { value: '1000000005', department: 'surgery', phone: '+15550001005' },
    { value: '1000000006', department: 'surgery', phone: '+15550001006' },
  ];
  const incident = (sourceEventId: string, named: string[]) => ({
    source: 'rl-datix',
    sourceEventId,
    occurredAt: new Date(Date.now() - 20 * 60_000).toISOString(),
    reportedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    category: 'unexpected-death',
    harmLevel: 'death',
    facility: 'general',
    department: 'icu',
    involvedClinicians: named.map((value) => ({ identifier: { system: NPI, value }, role: 'attending' })),
  });
  const send = async (key: string, value: unknown) => {
    const producer = kafkaClient().producer();
    await producer.connect();
    await producer.send({ topic: harbor.topic('incidents.reported.v1'), messages: [{ key, value: JSON.stringify(value) }] });
    await producer.disconnect();
  };
  const debriefPages = () => twilio.messages.filter((message) => message.to === COORDINATOR);
  const staff = async (path: string, method = 'GET', body?: unknown, role: Role = Role.ProgramDirector) => {
    const response = await harbor.request('matching', path, { method, role, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      serviceEnv: {
        notification: { TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC-test', TWILIO_AUTH_TOKEN: 'secret-token', TWILIO_FROM_NUMBER: '+15559990000' },
      },
    });
    const admin = { role: Role.ProgramAdmin, method: 'POST' } as const;
    for (const clinician of clinicians) {
      const entry = { identifiers: [{ system: NPI, value: clinician.value }], displayName: `Dr. Debrief ${clinician.value}`, profession: 'nurse', department: clinician.department, facility: 'general', phone: clinician.phone };
      expect((await harbor.request('matching', '/v1/directory/clinicians', { ...admin, body: JSON.stringify(entry) })).status).toBe(201);
    }
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const supporter = {
        id: `sup-${n}`, displayName: `Supporter ${n}`, profession: 'nurse', department: 'oncology', trainingExpiresOn: '2099-12-31', maxOpenCases: 3,
        channels: [{ kind: 'sms', address: `+1555000200${n}` }],
      };
      expect((await harbor.request('matching', '/v1/roster/supporters', { ...admin, body: JSON.stringify(supporter) })).status).toBe(201);
    }
    const coordinator = { program: 'default', role: 'on-call-coordinator', displayName: 'On-call coordinator', channels: [{ kind: 'sms', address: COORDINATOR }] };
    expect((await staff('/v1/program-staff/coord-1', 'PUT', coordinator, Role.ProgramAdmin)).status).toBeLessThan(300);
  });

  afterAll(async () => {
    await harbor?.stop();
    await twilio.stop();
  });

  it('pages each clinician\'s supporter and the coordinator once with a debrief offer naming only the unit', async () => {
    const named = ['1000000001', '1000000002', '1000000003', '1000000004'];
    const event = incident('INC-2026-0100', named);
    await send('rl-datix|INC-2026-0100', event);
    // The same incident again, and re-sent by the source: intake dedupes it; matching counts nobody twice.
    await send('rl-datix|INC-2026-0100', event);

    // Each person's own outreach: four cases, each offered to a supporter by SMS.
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."cases" WHERE "status" = 'offered'`);
      return rows[0].n === 4 || undefined;
    }, 'four offered cases');
    await waitFor(async () => twilio.messages.filter((message) => message.to.startsWith('+15550002')).length >= 4 || undefined, 'four offer pages');

    // And one group-debrief offer to the coordinator: the ICU counted three (ICU and icu are one unit), pharmacy one.
    const [page] = await waitFor(async () => (debriefPages().length > 0 ? debriefPages() : undefined), 'the group-debrief page');
    expect(page.body).toBe('Harbor: one event involved several colleagues of unit "icu". Please offer the unit a group debrief; details in the Harbor program console.');
    for (const secret of ['Debrief', '100000000', 'INC-2026-0100', 'death', 'unexpected']) expect(page.body).not.toContain(secret);

    const listed = await staff('/v1/debriefs?status=offered');
    expect(listed.status).toBe(200);
    expect(listed.body.debriefs).toEqual([
      expect.objectContaining({ unit: 'icu', program: 'default', facility: 'general', clinicians: 3, status: 'offered', attendanceBand: null, coordinatorsPaged: 1, closedAt: null }),
    ]);

    // A late redelivery of the same incident still offers nothing more.
    await send('rl-datix|INC-2026-0100', { ...event, reportedAt: new Date().toISOString() });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(debriefPages()).toHaveLength(1);
    const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."group_debriefs"`);
    expect(rows[0].n).toBe(1);
  });

  it('offers no debrief when an event names two clinicians of a unit', async () => {
    await send('rl-datix|INC-2026-0101', incident('INC-2026-0101', ['1000000005', '1000000006']));
    await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."cases" WHERE "department" = 'surgery' OR "clinician_id" IN
        (SELECT "id" FROM "matching"."clinicians" WHERE "department" = 'surgery')`);
      return rows[0].n === 2 || undefined;
    }, 'two cases for the surgery clinicians');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(debriefPages()).toHaveLength(1);
    const { rows } = await harbor.db.query(`SELECT "member" FROM "matching"."group_debrief_tally" WHERE "unit" = 'surgery'`);
    expect(rows).toHaveLength(2);
    // The tally holds a hash per clinician, never an identifier.
    for (const row of rows) expect(row.member).not.toMatch(/100000000|urn:/);
    expect((await staff('/v1/debriefs')).body.debriefs).toHaveLength(1);
  });

  it('records the structured outcome, closes the debrief once, and reporting counts it', async () => {
    const [debrief] = (await staff('/v1/debriefs?status=offered')).body.debriefs;
    // Bad input names the field; a supporter or an analyst may not record it.
    const missingBand = await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held' });
    expect(missingBand.status).toBe(422);
    expect(JSON.stringify(missingBand.body)).toContain('attendanceBand');
    expect((await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held', attendanceBand: '12' })).status).toBe(422);
    expect((await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held', attendanceBand: '5-9', notes: 'free text' })).status).toBe(422);
    expect((await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held', attendanceBand: '5-9' }, Role.Supporter)).status).toBe(403);
    expect((await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held', attendanceBand: '5-9' }, Role.QsAnalyst)).status).toBe(403);
    expect((await staff('/v1/debriefs/00000000-0000-4000-8000-000000000000/outcome', 'POST', { outcome: 'declined' })).status).toBe(404);

    const held = await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'held', attendanceBand: '5-9' });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ id: debrief.id, status: 'held', attendanceBand: '5-9', closedAt: expect.any(String) });
    expect((await staff(`/v1/debriefs/${debrief.id}/outcome`, 'POST', { outcome: 'declined' })).status).toBe(409);
    expect((await staff('/v1/debriefs?status=held')).body.debriefs.map((d: { id: string }) => d.id)).toEqual([debrief.id]);
    expect((await staff('/v1/debriefs?status=offered')).body.debriefs).toEqual([]);
    expect((await staff('/v1/debriefs?status=maybe')).status).toBe(422);

    const fact = await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT * FROM "reporting"."debrief_facts" WHERE "status" = 'held'`);
      return rows[0];
    }, 'reporting to count the held debrief');
    expect(fact).toMatchObject({ facility: 'general', attendance_band: '5-9' });
    expect(fact.debrief_key).not.toContain(debrief.id);
    expect(new Date(fact.opened_hour).getUTCMinutes()).toBe(0);
    // One debrief, in a period not released yet: Q&S sees no count of it.
    const summary = (await (await harbor.request('reporting', '/v1/metrics/summary', { role: Role.QsAnalyst })).json()) as Record<string, unknown>;
    expect(JSON.stringify(summary)).not.toContain('"value":1,');
  });
});
