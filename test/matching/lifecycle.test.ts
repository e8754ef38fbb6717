import { Role } from '@harbor/auth';
import { DEVELOPMENT_CONTACT_ENCRYPTION_KEYS } from '@harbor/config';
import { AssignmentClosed, AssignmentOffered, CaseLifecycle, ContactReleased, openReleasedContact, StaffPageRequested } from '@harbor/contracts';
import { parseKeyRing, SEALED_VALUE } from '@harbor/crypto';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { MatchingDriver } from './matching-driver';

/**
 * Matching alone through real Kafka and Postgres: offer → decline → re-offer → deadline → re-offer →
 * accept (contact released) → contact → follow-up reminders → closed; and escalations by overall
 * deadline and for want of anyone eligible, with the coordinator paged and the fallback recorded.
 * Deadlines are seconds long and the scheduler ticks every 200 ms.
 */
describe('matching: offers, deadlines, escalation and follow-ups', () => {
  let harbor: HarborHarness;
  let driver: MatchingDriver;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv: { matching: { MATCHING_SCHEDULER_TICK_MS: '200' } } });
    driver = new MatchingDriver(harbor);
    await driver.start();
  });

  afterAll(async () => {
    await driver?.stop();
    await harbor?.stop();
  });

  it('offers, re-offers after a decline and a missed deadline, releases the contact on acceptance and follows up', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', { ackTimeoutSeconds: 2, overallDeadlineSeconds: 600, maxOffers: 5, followUpSeconds: [1, 2] })).status).toBe(200);
    await driver.clinician('E-100', { department: 'emergency', phone: '+15550001111', email: 'canary@example.org', languages: ['en'] });
    await driver.supporter('nurse-a', { languages: ['en'] });
    await driver.supporter('nurse-b', { languages: ['en', 'es'] });
    await driver.supporter('phys-c', { profession: 'physician', languages: ['en'] });
    await driver.supporter('nurse-paused', { languages: ['en'], status: 'paused' });
    await driver.supporter('nurse-away', { languages: ['en'] });
    await driver.supporter('nurse-es', { languages: ['es'] });
    const away = await driver.admin('/v1/roster/supporters/nurse-away/unavailability', 'POST', {
      from: new Date(Date.now() - 3600_000).toISOString(), until: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(away.status).toBe(201);

    await driver.requestSupport('E-100');
    const [first] = await driver.next(AssignmentOffered, () => true, 'the first offer');
    // Peers first, ties by least recently assigned then id: nurse-a.
    expect(first.payload).toMatchObject({ attempt: 1, supporterId: 'nurse-a', channels: [{ kind: 'console', address: '' }] });
    const caseId = first.payload.caseId;
    // The cases board shows the offer waiting for nurse-a's answer, with the reasons she was chosen, and nothing about the event.
    const waiting = await driver.admin('/v1/cases/board', 'GET');
    expect(waiting.status).toBe(200);
    const waitingEntry = waiting.body.awaitingAcknowledgement.find((entry: { caseId: string }) => entry.caseId === caseId);
    // Paged or not yet, depending on whether notification's delivery report has come back.
    const { pagedAt, ...waitingRest } = waitingEntry;
    expect(pagedAt === null || typeof pagedAt === 'string').toBe(true);
    expect(waitingRest).toEqual({
      caseId, supporterId: 'nurse-a', attempt: 1, offeredAt: expect.any(String), respondBy: expect.any(String),
      waitingSeconds: expect.any(Number), reasons: expect.arrayContaining([expect.objectContaining({ supporterId: 'nurse-a', chosen: true })]),
    });
    expect(JSON.stringify(waiting.body)).not.toMatch(/E-100|Testname|category|harm|emergency|facility/);

    await driver.respond(first, 'declined');
    const [second] = await driver.next(AssignmentOffered, (offer) => offer.attempt === 2, 'the offer after the decline');
    expect(second.payload.supporterId).toBe('nurse-b');

    // nurse-b does not answer: the 2 s acknowledgement deadline closes the offer and asks the next one.
    const [expired] = await driver.next(AssignmentClosed, (closed) => closed.assignmentId === second.payload.assignmentId, 'the expired offer');
    expect(expired.payload).toMatchObject({ reason: 'expired', supporterId: 'nurse-b' });
    const [third] = await driver.next(AssignmentOffered, (offer) => offer.attempt === 3, 'the offer after the deadline');
    expect(third.payload.supporterId).toBe('phys-c');
    // A late answer from nurse-b changes nothing.
    await driver.respond(second, 'accepted');

    // Nothing identifying has been published before acceptance.
    expect(driver.of(ContactReleased)).toHaveLength(0);
    await driver.respond(third, 'accepted');
    const [released] = await driver.next(ContactReleased, (release) => release.caseId === caseId, 'the released contact');
    // Sealed for notification: nothing readable on the topic, and the outbox row is gone once published.
    expect(released.type).toBe('org.harbor.contact.released.v2');
    expect(released.payload).toMatchObject({ assignmentId: third.payload.assignmentId, supporterId: 'phys-c', sealedContact: expect.stringMatching(SEALED_VALUE) });
    expect(JSON.stringify(released.payload)).not.toMatch(/Testname|canary@example|0001111/);
    expect(openReleasedContact(parseKeyRing(DEVELOPMENT_CONTACT_ENCRYPTION_KEYS), third.payload.assignmentId as string, released.payload.sealedContact as string))
      .toEqual({ displayName: 'Dr. E-100 Testname', phone: '+15550001111', email: 'canary@example.org' });
    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "matching"."outbox" WHERE "topic" = $1`, [harbor.topic(ContactReleased.topic)])).rows.length === 0,
      'the released contact to leave the outbox');
    await driver.next(CaseLifecycle, (change) => change.caseId === caseId && change.status === 'accepted', 'the acceptance');

    const detail = await driver.admin(`/v1/cases/${caseId}`, 'GET');
    expect(detail.body.status).toBe('accepted');
    expect(detail.body.offers.map((offer: { supporterId: string; status: string }) => [offer.supporterId, offer.status])).toEqual([
      ['nurse-a', 'declined'], ['nurse-b', 'expired'], ['phys-c', 'accepted'],
    ]);
    // The first decision: the chosen supporter and runners-up with reasons, exclusions counted by rule.
    const firstDecision = detail.body.offers[0];
    expect(firstDecision.reasons[0]).toMatchObject({ supporterId: 'nurse-a', chosen: true, rank: 1, reasons: expect.arrayContaining(['same profession', 'shares a language']) });
    expect(firstDecision.reasons.map((entry: { supporterId: string }) => entry.supporterId)).toEqual(['nurse-a', 'nurse-b', 'phys-c']);
    // Paused, away and non-Spanish-speaking supporters never reached the decision (filtered while the pool index was read).
    expect(firstDecision).toMatchObject({ considered: 3, excluded: {} });
    // The third decision knew who had already been asked.
    expect(detail.body.offers[2].excluded).toMatchObject({ 'already-offered': 2 });

    // Staff can ask why, now: the whole policy over the whole roster, with one supporter's verdict.
    const explained = await driver.admin(`/v1/cases/${caseId}/explain?supporterId=nurse-away`, 'GET');
    expect(explained.body).toMatchObject({
      considered: 6,
      excluded: { paused: 1, 'unavailable-ad-hoc': 1, 'no-shared-language': 1, 'already-offered': 3 },
      supporter: { supporterId: 'nurse-away', eligible: false, excludedBy: ['unavailable-ad-hoc'], rank: null },
    });
    // phys-c accepted a case of severe harm: resting (care for the carers) as well as already offered.
    expect(explained.body.excluded).toEqual({ paused: 1, 'unavailable-ad-hoc': 1, 'no-shared-language': 1, 'already-offered': 3, resting: 1 });

    // Only the supporter who accepted may record outcomes; another supporter learns nothing.
    expect((await driver.asSupporter('nurse-a', `/v1/cases/${caseId}/outcome`, 'POST', { contactMade: true })).status).toBe(404);
    expect((await driver.asSupporter('phys-c', `/v1/cases/${caseId}/outcome`, 'POST', { notes: 'free text' })).status).toBe(422);
    expect((await driver.asSupporter('phys-c', `/v1/cases/${caseId}/outcome`, 'POST', {})).status).toBe(422);
    const contacted = await driver.asSupporter('phys-c', `/v1/cases/${caseId}/outcome`, 'POST', { contactMade: true, referrals: ['eap-therapy'] });
    expect(contacted).toMatchObject({ status: 200, body: { status: 'contacted', outcome: { contactMade: true, referrals: ['eap-therapy'] } } });
    // Accepted: off the board's waiting list; follow-ups not yet fired (1 s and 2 s here) are on it, for phys-c
    // (test/medium/matching/case-and-roster-stores.test.ts shows the board's sections without the race).
    const board = (await driver.admin('/v1/cases/board?program=default', 'GET')).body;
    expect(board.awaitingAcknowledgement.filter((entry: { caseId: string }) => entry.caseId === caseId)).toEqual([]);
    for (const entry of board.followUpsDue.filter((due: { caseId: string }) => due.caseId === caseId)) expect(entry).toEqual({ caseId, supporterId: 'phys-c', sequence: expect.any(Number), dueAt: expect.any(String), overdue: expect.any(Boolean) });

    // Follow-up reminders after 1 s and 2 s page the supporter, in order, once each.
    const reminders = await driver.next(StaffPageRequested, (page) => page.caseId === caseId && page.kind === 'follow-up-reminder', 'two follow-up reminders', 2);
    expect(reminders.map((page) => [page.payload.recipientId, page.payload.sequence])).toEqual([['phys-c', 1], ['phys-c', 2]]);

    const followUp = await driver.asSupporter('phys-c', `/v1/cases/${caseId}/outcome`, 'POST', { followUpCompleted: true, timeOffSuggested: true });
    expect(followUp.body).toMatchObject({ status: 'follow-up', followUpsDone: 1 });
    const closed = await driver.asSupporter('phys-c', `/v1/cases/${caseId}/outcome`, 'POST', { close: true });
    expect(closed.body.status).toBe('closed');
    const [closedOffer] = await driver.next(AssignmentClosed, (event) => event.assignmentId === third.payload.assignmentId, 'the closed assignment');
    expect(closedOffer.payload.reason).toBe('case-closed');
    const [closedEvent] = await driver.next(CaseLifecycle, (change) => change.caseId === caseId && change.status === 'closed', 'the closed lifecycle');
    expect(closedEvent.payload).toMatchObject({ supporterId: 'phys-c', outcome: { contactMade: true, referrals: ['eap-therapy'], timeOffSuggested: true } });

    // Every unit of capacity came back; no reminder is left pending; nurse-b's late answer was ignored.
    const { rows } = await harbor.db.query(`SELECT "id", "open_cases" FROM "matching"."supporters" WHERE "open_cases" <> 0`);
    expect(rows).toEqual([]);
    const { rows: pending } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."deadlines" WHERE "status" = 'pending'`);
    expect(pending[0].n).toBe(0);
    expect(driver.of(CaseLifecycle, (change) => change.caseId === caseId && change.status === 'accepted')).toHaveLength(1);
    // Follow-up reminders fired once each, and nothing about the clinician is in the pages or the logs.
    expect(driver.of(StaffPageRequested, (page) => page.caseId === caseId)).toHaveLength(2);
    expect(harbor.logs.containing('Testname')).toEqual([]);
    expect(harbor.logs.containing('+15550001111')).toEqual([]);
  });

  it('escalates at the overall deadline: closes the open offer, pages the on-call coordinator, records the fallback', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', {
      program: 'east', facilities: ['east-campus'], ackTimeoutSeconds: 600, overallDeadlineSeconds: 2, fallbackResource: 'national-physician-line',
    })).status).toBe(200);
    expect((await driver.admin('/v1/program-staff/coord-east', 'PUT', {
      program: 'east', role: 'on-call-coordinator', displayName: 'East Coordinator', channels: [{ kind: 'sms', address: '+15550009999' }],
    })).status).toBe(201);
    await driver.admin('/v1/program-staff/director-east', 'PUT', { program: 'east', role: 'director', displayName: 'East Director', channels: [{ kind: 'email', address: 'd@example.org' }] });
    await driver.clinician('E-200');
    await driver.supporter('east-1', { program: 'east' });

    await driver.requestSupport('E-200', { facility: 'east-campus' });
    const [offer] = await driver.next(AssignmentOffered, (payload) => payload.supporterId === 'east-1', 'the east offer');
    const caseId = offer.payload.caseId;
    const [closed] = await driver.next(AssignmentClosed, (event) => event.assignmentId === offer.payload.assignmentId, 'the offer closed by escalation');
    expect(closed.payload.reason).toBe('escalated');
    const [page] = await driver.next(StaffPageRequested, (event) => event.caseId === caseId, 'the coordinator page');
    expect(page.payload).toMatchObject({ kind: 'coordinator-escalation', recipientId: 'coord-east', channels: [{ kind: 'sms', address: '+15550009999' }] });
    const [escalated] = await driver.next(CaseLifecycle, (change) => change.caseId === caseId && change.status === 'escalated', 'the escalation');
    expect(escalated.payload).toMatchObject({ escalationReason: 'overall-deadline', fallbackResource: 'national-physician-line' });
    // On the east board as escalated, with the reason and since when; not on the default program's board.
    const eastBoard = (await driver.admin('/v1/cases/board?program=east', 'GET')).body;
    expect(eastBoard.escalated.filter((entry: { caseId: string }) => entry.caseId === caseId)).toEqual([{
      caseId, status: 'escalated', escalationReason: 'overall-deadline', fallbackResource: 'national-physician-line', since: expect.any(String), waitingSeconds: expect.any(Number),
    }]);
    expect((await driver.admin('/v1/cases/board?program=default', 'GET')).body.escalated.filter((entry: { caseId: string }) => entry.caseId === caseId)).toEqual([]);
    // The coordinator alone is paged (the director only when there is no coordinator), and only once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(driver.of(StaffPageRequested, (event) => event.caseId === caseId)).toHaveLength(1);
    // The accept that arrives too late is ignored; the supporter's capacity was given back.
    await driver.respond(offer, 'accepted');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(driver.of(ContactReleased, (event) => event.caseId === caseId)).toHaveLength(0);
    const { rows } = await harbor.db.query(`SELECT "open_cases" FROM "matching"."supporters" WHERE "id" = 'east-1'`);
    expect(rows[0].open_cases).toBe(0);

    // Staff close the escalated case; a supporter cannot.
    expect((await driver.asSupporter('east-1', `/v1/cases/${caseId}/outcome`, 'POST', { close: true })).status).toBe(404);
    expect((await driver.admin(`/v1/cases/${caseId}/outcome`, 'POST', { close: true })).body.status).toBe('closed');
  });

  it('escalates at once when nobody is eligible, paging the director when the program has no coordinator', async () => {
    await driver.admin('/v1/policy', 'PUT', { program: 'west', facilities: ['west-campus'], departmentRule: 'avoid' });
    await driver.admin('/v1/program-staff/director-west', 'PUT', { program: 'west', role: 'director', displayName: 'West Director', channels: [{ kind: 'email', address: 'w@example.org' }] });
    await driver.clinician('E-300', { department: 'icu' });
    await driver.supporter('west-icu', { program: 'west', department: 'ICU' }); // same department: avoided
    await driver.supporter('west-expired', { program: 'west', trainingExpiresOn: '2020-01-01' });

    await driver.requestSupport('E-300', { facility: 'west-campus' });
    const [escalated] = await driver.next(CaseLifecycle, (change) => change.status === 'escalated' && change.escalationReason === 'no-eligible-supporter', 'the escalation');
    const caseId = escalated.payload.caseId;
    // The census says why nobody: counted over the program's whole roster.
    const detail = await driver.admin(`/v1/cases/${caseId}`, 'GET');
    expect(detail.body.noMatchCensus).toMatchObject({ considered: 2, excluded: { 'same-department': 1, 'training-expired': 1 } });
    const [page] = await driver.next(StaffPageRequested, (event) => event.caseId === caseId, 'the director page');
    expect(page.payload).toMatchObject({ kind: 'coordinator-escalation', recipientId: 'director-west' });
    expect(driver.of(AssignmentOffered, (offer) => offer.caseId === caseId)).toHaveLength(0);
  });

  it('starts the acknowledgement clock when the page reaches a provider: an offer waiting out a provider outage does not expire', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', {
      program: 'clock', facilities: ['clock-campus'], ackTimeoutSeconds: 2, overallDeadlineSeconds: 600, maxOffers: 3,
    })).status).toBe(200);
    await driver.clinician('E-500');
    await driver.supporter('clock-1', { program: 'clock' });
    await driver.supporter('clock-2', { program: 'clock' });
    driver.autoPage = false; // notification has not reached a provider yet (e.g. the SMS provider is down)
    try {
      await driver.requestSupport('E-500', { facility: 'clock-campus' });
      const [offer] = await driver.next(AssignmentOffered, (payload) => payload.supporterId === 'clock-1', 'the first offer');
      const caseId = offer.payload.caseId;
      // Twice the ack timeout passes without a page delivered: the offer stays open, nobody else is asked.
      await new Promise((resolve) => setTimeout(resolve, 4500));
      expect(driver.of(AssignmentClosed, (closed) => closed.caseId === caseId)).toHaveLength(0);
      expect(driver.of(AssignmentOffered, (payload) => payload.caseId === caseId)).toHaveLength(1);
      const waiting = await driver.admin(`/v1/cases/${caseId}`, 'GET');
      expect(waiting.body.offers).toEqual([expect.objectContaining({ status: 'offered', pagedAt: null, pagedVia: null })]);
      expect(waiting.body.deadlines.filter((deadline: { kind: string }) => deadline.kind === 'ack')).toEqual([]);

      // The page is delivered: the clock starts at that moment and runs its full 2 s, once.
      const pagedAt = new Date();
      await driver.paged(offer, pagedAt);
      await driver.paged(offer, new Date(pagedAt.getTime() + 1000)); // a second report (e.g. from a replica) changes nothing
      const [expired] = await driver.next(AssignmentClosed, (closed) => closed.assignmentId === offer.payload.assignmentId, 'the offer to expire after delivery');
      expect(expired.payload.reason).toBe('expired');
      expect(new Date(expired.payload.closedAt as string).getTime() - pagedAt.getTime()).toBeGreaterThanOrEqual(1900);
      const [next] = await driver.next(AssignmentOffered, (payload) => payload.caseId === caseId && payload.attempt === 2, 'the next offer');
      expect(next.payload.supporterId).toBe('clock-2');
      const detail = await driver.admin(`/v1/cases/${caseId}`, 'GET');
      const first = detail.body.offers[0];
      expect(first).toMatchObject({ status: 'expired', pagedVia: 'console' });
      expect(new Date(first.pagedAt).getTime()).toBe(pagedAt.getTime());
      expect(new Date(first.respondBy).getTime()).toBe(pagedAt.getTime() + 2000);
      expect(detail.body.deadlines.filter((deadline: { kind: string }) => deadline.kind === 'ack')).toEqual([expect.objectContaining({ status: 'fired' })]);
      // A page reported after the offer ended starts nothing.
      await driver.paged(offer);
      await driver.respond(next, 'accepted');
      await driver.next(CaseLifecycle, (change) => change.caseId === caseId && change.status === 'accepted', 'the acceptance');
    } finally {
      driver.autoPage = true;
    }
  });

  it('moves on when an offer cannot be delivered, and never offers a colleague involved in the same event', async () => {
    await driver.admin('/v1/policy', 'PUT', { program: 'north', facilities: ['north-campus'] });
    const involved = await driver.clinician('E-401');
    await driver.clinician('E-400');
    await driver.supporter('north-involved', { program: 'north', clinicianIdentifier: { system: 'urn:test:employee', value: 'E-401' } });
    await driver.supporter('north-1', { program: 'north', profession: 'pharmacist' });
    await driver.supporter('north-2', { program: 'north', profession: 'pharmacist' });
    expect(involved).toBeDefined();

    // E-401 and E-400 are both named in event "evt-9": north-involved (who is E-401) must not support E-400. The two
    // requests are consumed at once (two partitions), in either order: E-400's case waits for the event's lock, and
    // an offer it made before E-401's request arrived is withdrawn (closed as cancelled) when it does.
    await driver.requestSupport('E-401', { facility: 'north-campus', eventKey: 'evt-9' });
    await driver.requestSupport('E-400', { facility: 'north-campus', eventKey: 'evt-9' });
    const caseId = await waitFor(async () => {
      const { rows } = await harbor.db.query(
        `SELECT c."id" FROM "matching"."cases" c JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."clinician_id" WHERE i."value" = 'E-400'`,
      );
      return rows[0]?.id as string | undefined;
    }, "E-400's case");
    const [offer] = await driver.next(AssignmentOffered, (payload) => payload.caseId === caseId && payload.supporterId !== 'north-involved', 'the offer for E-400');
    for (const withdrawn of driver.of(AssignmentOffered, (payload) => payload.caseId === caseId && payload.supporterId === 'north-involved')) {
      await driver.next(AssignmentClosed, (closed) => closed.assignmentId === withdrawn.payload.assignmentId && closed.reason === 'cancelled', 'the withdrawal');
    }
    const detail = await driver.admin(`/v1/cases/${caseId}`, 'GET');
    const live = detail.body.offers.find((entry: { attempt: number }) => entry.attempt === offer.payload.attempt);
    expect(live).toMatchObject({ supporterId: offer.payload.supporterId, status: 'offered' });
    expect(live.excluded).toEqual({ 'involved-in-event': 1 });

    await driver.undeliverable(offer);
    const [next] = await driver.next(AssignmentOffered, (payload) => payload.caseId === caseId && payload.attempt === (offer.payload.attempt as number) + 1, 'the next offer');
    expect(next.payload.supporterId).not.toBe(offer.payload.supporterId);
    expect(next.payload.supporterId).not.toBe('north-involved');
    const after = await driver.admin(`/v1/cases/${caseId}`, 'GET');
    expect(after.body.offers.find((entry: { attempt: number }) => entry.attempt === offer.payload.attempt).status).toBe('undeliverable');
  });

  it('imports clinicians from CSV and from a FHIR Bundle, reporting bad rows by number and field', async () => {
    const csv = 'identifiers,displayName,profession,department,languages\n' +
      'urn:test:employee|E-900;http://hl7.org/fhir/sid/us-npi|1234567893,Dr. Csv Import,physician,icu,en\n' +
      'urn:test:employee|E-901,Nurse Csv,,icu,\n';
    const token = await harbor.token(Role.ProgramAdmin);
    const post = async (body: string, type: string) => {
      const response = await fetch(`${harbor.urls.matching}/v1/directory/clinicians/import`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body,
      });
      return { status: response.status, body: await response.json() };
    };
    const fromCsv = await post(csv, 'text/csv');
    expect(fromCsv).toEqual({ status: 200, body: { created: 1, updated: 0, failed: [{ row: 2, errors: [expect.objectContaining({ field: 'profession' })] }] } });
    // Re-importing updates the same clinician (matched by any identifier), never duplicates it.
    expect((await post(csv, 'text/csv')).body).toMatchObject({ created: 0, updated: 1 });
    expect((await post('identifiers,displayName,profession,narrative\nurn:e|1,A,nurse,x\n', 'text/csv')).status).toBe(422);

    const bundle = {
      resourceType: 'Bundle', type: 'collection',
      entry: [
        { resource: { resourceType: 'Practitioner', id: 'p1', identifier: [{ system: 'urn:test:employee', value: 'E-902' }], name: [{ given: ['Fhir'], family: 'Import' }] } },
        { resource: { resourceType: 'PractitionerRole', practitioner: { reference: 'Practitioner/p1' }, code: [{ text: 'Nurse' }], location: [{ display: 'general' }] } },
      ],
    };
    expect(await post(JSON.stringify(bundle), 'application/fhir+json')).toEqual({ status: 200, body: { created: 1, updated: 0, failed: [] } });
    const { rows } = await harbor.db.query(
      `SELECT c."profession", c."facility", count(*) OVER () AS n FROM "matching"."clinicians" c
       JOIN "matching"."clinician_identifiers" i ON i."clinician_id" = c."id" WHERE i."value" IN ('E-900', '1234567893', 'E-902') ORDER BY i."value"`,
    );
    expect(rows.map((row) => [row.profession, row.facility])).toEqual([['physician', null], ['physician', null], ['nurse', 'general']]);
    expect((await post('plain', 'text/plain')).status).toBe(415);
    const supporterTry = await harbor.request('matching', '/v1/directory/clinicians/import', { method: 'POST', role: Role.Supporter, body: JSON.stringify(bundle) });
    expect(supporterTry.status).toBe(403);
  });
});
