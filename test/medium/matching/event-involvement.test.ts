import { randomUUID } from 'node:crypto';
import { SupportRequestedV1 } from '@harbor/contracts';
import { AssignmentStore } from '../../../apps/matching/src/cases/assignment-store';
import { CaseStore } from '../../../apps/matching/src/cases/case-store';
import { CaseViews } from '../../../apps/matching/src/cases/case-views';
import { OpenCase } from '../../../apps/matching/src/cases/open-case.usecase';
import { saveClinician } from '../../../apps/matching/src/directory/directory-store';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { ProgramStaffStore } from '../../../apps/matching/src/roster/program-staff-store';
import { SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { gate } from '../../support/gate';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';
import { wireOpenCase } from './open-case-wiring';

const EMPLOYEE = 'urn:test:employee';

/**
 * A clinician an event names is never offered a colleague's case about that event (`involved-in-event`), whatever
 * the order and timing in which the event's requests reach matching: at the same moment (two partitions or two
 * replicas), the other way round (the colleague's case first), or when the clinician's own request was absorbed into
 * an open case of theirs. Each test starts with two supporters only: `a-…`, who is one of the event's clinicians and
 * ranks first whenever eligible (ties go to the lower id), and `z-…`.
 */
describe('clinicians involved in one event (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let openCase: OpenCase;
  let supporters: SupporterStore;
  let assignments: AssignmentStore;

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    ({ openCase, supporters, assignments } = wireOpenCase(database.dataSource, database.env, 'matching-event-involvement'));
  });

  afterAll(async () => {
    await database?.close();
  });

  /** Two clinicians in the directory and the two supporters, one of whom is the first clinician. */
  async function setUp(): Promise<{ involved: string; involvedId: string; colleague: string; persona: string; other: string }> {
    const tag = randomUUID().slice(0, 8);
    const involved = `INV-${tag}`;
    const colleague = `COL-${tag}`;
    const persona = `a-${tag}`;
    const other = `z-${tag}`;
    const involvedId = randomUUID();
    await database.dataSource.query(`UPDATE "matching"."supporters" SET "status" = 'paused'`);
    await database.dataSource.transaction(async (manager) => {
      await saveClinician(manager, involvedId, { displayName: 'Dr Involved', profession: 'physician' }, [{ system: EMPLOYEE, value: involved }]);
      await saveClinician(manager, randomUUID(), { displayName: 'Dr Colleague', profession: 'physician' }, [{ system: EMPLOYEE, value: colleague }]);
      for (const id of [persona, other]) {
        await supporters.save(manager, {
          id, displayName: `Supporter ${id}`, profession: 'Nurse', department: 'ICU', facility: 'north', status: 'active',
          trainingExpiresOn: '2099-12-31', maxOpenCases: 10, channels: [{ kind: 'sms', address: '+15550000001' }], program: 'default',
          languages: ['en'], timeZone: 'UTC', optedOut: false,
          clinicianIdentifier: id === persona ? { system: EMPLOYEE, value: involved } : undefined,
        });
      }
    });
    return { involved, involvedId, colleague, persona, other };
  }

  const request = (clinician: string, eventKey: string): SupportRequestedV1 => ({
    requestId: randomUUID(),
    clinician: { system: EMPLOYEE, value: clinician },
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
    facility: 'north',
    eventKey,
    requestedAt: new Date().toISOString(),
  } as SupportRequestedV1);

  const open = (body: SupportRequestedV1) => database.dataSource.transaction((manager) => openCase.execute(manager, body));

  async function offersOf(caseId: string): Promise<{ supporter_id: string; status: string; closed_reason: string | null; excluded: Record<string, number> }[]> {
    return database.dataSource.query(
      `SELECT "supporter_id", "status", "closed_reason", "excluded" FROM "matching"."assignments" WHERE "case_id" = $1 ORDER BY "attempt"`,
      [caseId],
    );
  }

  it("opened at the same moment, the colleague's case waits for the event's lock and is not offered to the involved clinician", async () => {
    const { involved, colleague, persona, other } = await setUp();
    const eventKey = `evt-${randomUUID()}`;
    const inside = gate();
    const release = gate();
    // The involved clinician's request holds its transaction open after opening its case, as a slow consumer would.
    const first = database.dataSource.transaction(async (manager) => {
      const caseId = await openCase.execute(manager, request(involved, eventKey));
      inside.open();
      await release.opened;
      return caseId;
    });
    await inside.opened;
    let secondDone = false;
    const second = open(request(colleague, eventKey)).then((caseId) => {
      secondDone = true;
      return caseId;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondDone).toBe(false); // waiting for the event's lock, not deciding on a snapshot without the first case
    release.open();
    expect(await first).toBeDefined();
    const colleagueCase = await second;
    const offers = await offersOf(colleagueCase!);
    expect(offers.map((offer) => offer.supporter_id)).toEqual([other]);
    expect(offers[0].excluded).toEqual({ 'involved-in-event': 1 });
    expect(offers.map((offer) => offer.supporter_id)).not.toContain(persona);
  });

  it("reaching matching after the colleague's case, the involved clinician's request withdraws the open offer made to them", async () => {
    const { involved, colleague, persona, other } = await setUp();
    const eventKey = `evt-${randomUUID()}`;
    const colleagueCase = await open(request(colleague, eventKey));
    expect((await offersOf(colleagueCase!)).map((offer) => offer.supporter_id)).toEqual([persona]); // nobody knew yet

    await open(request(involved, eventKey));
    const offers = await offersOf(colleagueCase!);
    expect(offers.map(({ supporter_id, status, closed_reason }) => [supporter_id, status, closed_reason])).toEqual([
      [persona, 'closed', 'cancelled'],
      [other, 'offered', null],
    ]);
    // Notification hears of the withdrawal (it stops taking answers to that offer).
    const closed = await database.dataSource.query(
      `SELECT "payload" FROM "matching"."outbox" WHERE "topic" LIKE '%assignments.closed.v1' AND "payload"->>'caseId' = $1`,
      [colleagueCase],
    );
    expect(closed.map((row: { payload: { supporterId: string; reason: string } }) => [row.payload.supporterId, row.payload.reason])).toEqual([[persona, 'cancelled']]);
    // The persona's capacity is back: one open case (their own) counts nowhere as a supporter's load.
    const [{ open_cases: openCases }] = await database.dataSource.query(`SELECT "open_cases" FROM "matching"."supporters" WHERE "id" = $1`, [persona]);
    expect(openCases).toBe(0);
  });

  it("an offer already accepted stays with its supporter, is flagged on the board, and the coordinator is paged once", async () => {
    const { involved, colleague, persona } = await setUp();
    const coordinator = `coord-${randomUUID().slice(0, 8)}`;
    await new ProgramStaffStore(database.dataSource).save({
      id: coordinator, program: 'default', role: 'on-call-coordinator', displayName: 'On call', channels: [{ kind: 'sms', address: '+15550000002' }], active: true,
    });
    const eventKey = `evt-${randomUUID()}`;
    const colleagueCase = await open(request(colleague, eventKey));
    const [offer] = await database.dataSource.query(`SELECT "id" FROM "matching"."assignments" WHERE "case_id" = $1`, [colleagueCase]);
    await database.dataSource.transaction(async (manager) => {
      await assignments.recordAnswer(manager, offer.id, 'accepted', new Date().toISOString());
      await manager.query(`UPDATE "matching"."cases" SET "status" = 'accepted' WHERE "id" = $1`, [colleagueCase]);
    });

    const involvedRequest = request(involved, eventKey);
    await open(involvedRequest);
    await open(involvedRequest); // delivered again: nothing happens twice
    // Not taken away by a machine: the colleague may already be talking to them.
    expect((await offersOf(colleagueCase!)).map(({ supporter_id, status, closed_reason }) => [supporter_id, status, closed_reason])).toEqual([[persona, 'accepted', null]]);
    const pages = await database.dataSource.query(
      `SELECT "payload" FROM "matching"."outbox" WHERE "topic" LIKE '%staff-pages.requested.v1' AND "payload"->>'caseId' = $1`,
      [colleagueCase],
    );
    expect(pages.map((row: { payload: { recipientId: string; kind: string } }) => [row.payload.recipientId, row.payload.kind])).toEqual([[coordinator, 'coordinator-escalation']]);

    const views = new CaseViews(database.dataSource, new CaseStore());
    expect((await views.board('default')).supporterNamedInEvent).toEqual([
      { caseId: colleagueCase, supporterId: persona, status: 'accepted', since: expect.any(Date), waitingSeconds: expect.any(Number) },
    ]);
    const detail = (await views.describe(colleagueCase!)) as { offers: { supporterNamedInEventAt: Date | null }[] };
    expect(detail.offers[0].supporterNamedInEventAt).toEqual(expect.any(Date));
    // Once the case is closed (the offer completed), it leaves the board.
    await database.dataSource.query(`UPDATE "matching"."assignments" SET "status" = 'completed' WHERE "id" = $1`, [offer.id]);
    expect((await views.board('default')).supporterNamedInEvent).toEqual([]);
  });

  it('a redelivered request of the involved clinician withdraws nothing more and offers nothing twice', async () => {
    const { involved, colleague, persona, other } = await setUp();
    const eventKey = `evt-${randomUUID()}`;
    const colleagueCase = await open(request(colleague, eventKey));
    const involvedRequest = request(involved, eventKey);
    await open(involvedRequest);
    await open(involvedRequest);
    expect((await offersOf(colleagueCase!)).map(({ supporter_id, status }) => [supporter_id, status])).toEqual([[persona, 'closed'], [other, 'offered']]);
  });

  it('a clinician whose request an open case of theirs absorbed still counts as involved in the new event', async () => {
    const { involved, colleague, persona, other } = await setUp();
    // The involved clinician already has an open case (an earlier event): the new event's request is absorbed into it.
    expect(await open(request(involved, `evt-${randomUUID()}`))).toBeDefined();
    const eventKey = `evt-${randomUUID()}`;
    expect(await open(request(involved, eventKey))).toBeUndefined();
    const colleagueCase = await open(request(colleague, eventKey));
    const offers = await offersOf(colleagueCase!);
    expect(offers.map((offer) => offer.supporter_id)).toEqual([other]);
    expect(offers.map((offer) => offer.supporter_id)).not.toContain(persona);
    expect(offers[0].excluded).toEqual({ 'involved-in-event': 1 });
  });

  it("counts a case a previous release opened (during a rolling update) without noting its event's clinicians", async () => {
    const { involved, involvedId, colleague, persona, other } = await setUp();
    const eventKey = `evt-${randomUUID()}`;
    const body = request(involved, eventKey);
    await database.dataSource.transaction((manager) => new CaseStore().insert(manager, {
      id: randomUUID(), requestId: body.requestId, clinicianId: involvedId, identifier: body.clinician, triggerKind: 'incident', category: 'medication-error',
      harmLevel: 'severe', eventOccurredAt: body.trigger.occurredAt, facility: 'north', department: null, program: 'default', eventKey,
    }));
    const colleagueCase = await open(request(colleague, eventKey));
    const offers = await offersOf(colleagueCase!);
    expect(offers.map((offer) => offer.supporter_id)).toEqual([other]);
    expect(offers.map((offer) => offer.supporter_id)).not.toContain(persona);
  });
});
