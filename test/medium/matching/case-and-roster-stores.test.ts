import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { AssignmentStore } from '../../../apps/matching/src/cases/assignment-store';
import { clinicianLockKey, clinicianLockKeys } from '../../../apps/matching/src/cases/absorption';
import { CaseStore, ClinicianLockBusyError, NewCase } from '../../../apps/matching/src/cases/case-store';
import { CaseViews } from '../../../apps/matching/src/cases/case-views';
import { DeadlineStore } from '../../../apps/matching/src/cases/deadline-store';
import { saveClinician } from '../../../apps/matching/src/directory/directory-store';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { SupporterProfile, SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { gate } from '../../support/gate';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const EMPLOYEE = 'urn:test:employee';

/**
 * Matching's stores on a real schema without Kafka: capacity is never over-reserved by concurrent decisions,
 * a case another transaction holds is skipped, and rows reach the use cases as camelCase domain types.
 */
describe('matching stores (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let supporters: SupporterStore;
  let deadlines: DeadlineStore;
  const cases = new CaseStore();
  const assignments = new AssignmentStore();

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    supporters = new SupporterStore(database.dataSource);
    deadlines = new DeadlineStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  const transaction = <T>(work: (manager: EntityManager) => Promise<T>) => database.dataSource.transaction(work);

  const profile = (id: string, changes: Partial<SupporterProfile> = {}): SupporterProfile => ({
    id, displayName: `Supporter ${id}`, profession: 'Nurse', department: 'ICU', facility: 'north', status: 'active', trainingExpiresOn: '2099-12-31',
    maxOpenCases: 1, channels: [{ kind: 'sms', address: '+15550000001' }], program: 'default', languages: ['en'], timeZone: 'UTC', optedOut: false,
    ...changes,
  });

  const newCase = (changes: Partial<NewCase> = {}): NewCase => ({
    id: randomUUID(), requestId: randomUUID(), clinicianId: null, identifier: { system: EMPLOYEE, value: `E-${randomUUID()}` },
    triggerKind: 'incident', category: 'medication-error', harmLevel: 'severe', eventOccurredAt: '2026-11-20T08:00:00Z', facility: 'north',
    department: 'icu', program: 'default', eventKey: `event-${randomUUID()}`, ...changes,
  });

  async function openCount(supporterId: string): Promise<number> {
    const [row] = await database.dataSource.query(`SELECT "open_cases" FROM "matching"."supporters" WHERE "id" = $1`, [supporterId]);
    return row.open_cases;
  }

  it('never reserves a supporter over capacity, however two transactions interleave', async () => {
    await transaction((manager) => supporters.save(manager, profile('cap-1', { maxOpenCases: 1 })));
    const first = gate();
    const second = gate();
    const results: Array<unknown> = [];
    // A reserves the last unit and keeps its transaction open; B tries meanwhile: skipped while A holds the row,
    // then, waiting for the lock, it sees A's committed reservation and finds the supporter full.
    const a = transaction(async (manager) => {
      results.push(await supporters.reserve(manager, 'cap-1'));
      first.open();
      await second.opened;
    });
    const b = (async () => {
      await first.opened;
      results.push(await transaction((manager) => supporters.reserve(manager, 'cap-1')));
      const waiting = transaction((manager) => supporters.reserve(manager, 'cap-1', true));
      await new Promise((resolve) => setTimeout(resolve, 200)); // B is now queued behind A's row lock
      second.open();
      results.push(await waiting);
    })();
    await Promise.all([a, b]);
    expect(results).toEqual([[{ kind: 'sms', address: '+15550000001' }], undefined, undefined]);
    expect(await openCount('cap-1')).toBe(1);

    // Released, the unit can be taken again, and release never goes below zero.
    await transaction((manager) => supporters.releaseCapacity(manager, 'cap-1'));
    await transaction((manager) => supporters.releaseCapacity(manager, 'cap-1'));
    expect(await openCount('cap-1')).toBe(0);
    const both = await Promise.all([1, 2].map(() => transaction((manager) => supporters.reserve(manager, 'cap-1', true))));
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(await openCount('cap-1')).toBe(1);
  });

  it('reserves the first of a ranked list that has room and is not held, locking that one row only', async () => {
    const ids = ['rank-1', 'rank-2', 'rank-3', 'rank-4'];
    await transaction(async (manager) => {
      for (const id of ids) await supporters.save(manager, profile(id, { maxOpenCases: 1, channels: [{ kind: 'sms', address: `+1555${id.slice(-1)}` }] }));
    });
    // rank-2 is full already.
    expect(await transaction((manager) => supporters.reserve(manager, 'rank-2'))).toBeDefined();
    const held = gate();
    const done = gate();
    // A holds rank-1 (its transaction stays open); B, given the whole ranking, does not wait for A and skips the
    // full rank-2: it takes rank-3. C, meanwhile, can still take rank-4: B locked rank-3 alone.
    const a = transaction(async (manager) => {
      expect(await supporters.reserveFirstFree(manager, ['rank-1'])).toEqual({ id: 'rank-1', channels: [{ kind: 'sms', address: '+15551' }] });
      held.open();
      await done.opened;
    });
    await held.opened;
    const b = transaction(async (manager) => {
      const reserved = await supporters.reserveFirstFree(manager, ids);
      const c = await transaction((other) => supporters.reserveFirstFree(other, ['rank-3', 'rank-4']));
      return [reserved, c];
    });
    expect(await b).toEqual([{ id: 'rank-3', channels: [{ kind: 'sms', address: '+15553' }] }, { id: 'rank-4', channels: [{ kind: 'sms', address: '+15554' }] }]);
    // Nobody left: every one is full or held.
    expect(await transaction((manager) => supporters.reserveFirstFree(manager, ids))).toBeUndefined();
    done.open();
    await a;
    expect(await Promise.all(ids.map(openCount))).toEqual([1, 1, 1, 1]);
    expect(await transaction((manager) => supporters.reserveFirstFree(manager, []))).toBeUndefined();
  });

  it('reserves a paused, opted-out or full supporter never', async () => {
    await transaction(async (manager) => {
      await supporters.save(manager, profile('paused-1', { status: 'paused' }));
      await supporters.save(manager, profile('gone-1', { optedOut: true }));
    });
    expect(await transaction((manager) => supporters.reserve(manager, 'paused-1', true))).toBeUndefined();
    expect(await transaction((manager) => supporters.reserve(manager, 'gone-1', true))).toBeUndefined();
    expect(await openCount('paused-1')).toBe(0);
  });

  it('loads a case for update, and skips it (undefined) while another transaction holds it', async () => {
    const kase = newCase();
    await transaction((manager) => cases.insert(manager, kase));
    // A second case for the same request id fails its transaction (OpenCase never asks for one: see priorHandling).
    await expect(transaction((manager) => cases.insert(manager, { ...kase, id: randomUUID() }))).rejects.toMatchObject({ driverError: { code: '23505' } });
    const held = gate();
    const done = gate();
    const holder = transaction(async (manager) => {
      expect((await cases.loadForUpdate(manager, kase.id))?.id).toBe(kase.id);
      held.open();
      await done.opened;
    });
    await held.opened;
    const whileHeld = await transaction((manager) => cases.loadForUpdate(manager, kase.id, true));
    done.open();
    await holder;
    expect(whileHeld).toBeUndefined();
    expect((await transaction((manager) => cases.loadForUpdate(manager, kase.id, true)))?.id).toBe(kase.id);
  });

  it('maps a case row, with its clinician from the directory, to a camelCase MatchingCase', async () => {
    const clinicianId = randomUUID();
    const identifier = { system: EMPLOYEE, value: 'E-mapped' };
    await transaction((manager) => saveClinician(manager, clinicianId, { displayName: 'Dr Mapped', profession: 'physician', department: 'ED', languages: ['es'] }, [identifier]));
    const kase = newCase({ clinicianId, identifier, harmLevel: null, department: null });
    await transaction((manager) => cases.insert(manager, kase));
    await transaction((manager) => cases.setStatus(manager, kase.id, 'offered'));
    await transaction((manager) => cases.recordOutcome(manager, kase.id, { contactMade: true }, 1));

    const loaded = await transaction((manager) => cases.load(manager, kase.id));
    expect(loaded).toEqual({
      id: kase.id,
      requestId: kase.requestId,
      program: 'default',
      eventKey: kase.eventKey,
      clinicianId,
      triggerKind: 'incident',
      category: 'medication-error',
      harmLevel: null,
      eventOccurredAt: new Date('2026-11-20T08:00:00Z'),
      facility: 'north',
      department: null,
      status: 'offered',
      outcome: { contactMade: true },
      followUpsDone: 1,
      clinicianProfession: 'physician',
      clinicianDepartment: 'ED',
      clinicianLanguages: ['es'],
    });
    expect(await transaction((manager) => cases.findOpen(manager, clinicianId, identifier))).toEqual({ id: kase.id, status: 'offered' });
    expect(await transaction((manager) => cases.requestAlreadyHandled(manager, kase.requestId))).toBe(true);
  });

  it('maps assignments, deadlines and supporters to camelCase at the store edge', async () => {
    await transaction((manager) => supporters.save(manager, profile('map-1', { maxOpenCases: 3, languages: ['en', 'fr'] })));
    await transaction((manager) => supporters.refreshAvailability(manager, 'map-1'));
    const kase = newCase();
    await transaction((manager) => cases.insert(manager, kase));
    const offerId = randomUUID();
    const record = { reasons: [], considered: 1, excluded: {} };
    await transaction((manager) => assignments.insertOffer(manager, {
      id: offerId, caseId: kase.id, supporterId: 'map-1', attempt: 1, record, respondBy: new Date(Date.now() + 60_000), ackSeconds: 60,
    }));
    expect(await transaction((manager) => assignments.supportersOffered(manager, kase.id))).toEqual(['map-1']);
    expect(await transaction((manager) => assignments.lock(manager, offerId, kase.id))).toEqual({
      id: offerId, status: 'offered', attempt: 1, supporterId: 'map-1', pagedAt: null, offeredAt: expect.any(Date),
    });
    expect(await transaction((manager) => assignments.lockOffered(manager, kase.id))).toEqual([{ id: offerId, supporterId: 'map-1', offeredAt: expect.any(Date) }]);

    // The first delivery report of that supporter's offer starts the clock; another supporter's, or a second one, records nothing.
    const page = { assignmentId: offerId, caseId: kase.id, supporterId: 'map-1', pagedAt: new Date().toISOString(), channel: 'sms', caseSearching: true };
    expect(await transaction((manager) => assignments.recordFirstPage(manager, { ...page, supporterId: 'someone-else' }))).toBeUndefined();
    expect(await transaction((manager) => assignments.recordFirstPage(manager, { ...page, caseId: randomUUID() }))).toBeUndefined();
    const first = await transaction((manager) => assignments.recordFirstPage(manager, page));
    expect(first).toEqual({ respondBy: expect.any(Date), clockStarted: true });
    expect(first!.respondBy.getTime()).toBeGreaterThanOrEqual(new Date(page.pagedAt).getTime() + 59_000);
    expect(await transaction((manager) => assignments.recordFirstPage(manager, { ...page, channel: 'pagerduty' }))).toBeUndefined();
    expect(await transaction((manager) => assignments.lock(manager, offerId, kase.id))).toMatchObject({ pagedAt: expect.any(Date) });

    await transaction((manager) => assignments.recordAnswer(manager, offerId, 'accepted', new Date().toISOString()));
    expect(await transaction((manager) => assignments.accepted(manager, kase.id))).toEqual({ id: offerId, supporterId: 'map-1' });
    expect(await transaction((manager) => assignments.isAcceptedBy(manager, kase.id, 'someone-else'))).toBe(false);

    await transaction((manager) => deadlines.schedule(manager, { kind: 'follow-up', caseId: kase.id, sequence: 2, dueAt: new Date(Date.now() - 1000) }));
    const [due] = (await deadlines.due(100)).filter((deadline) => deadline.caseId === kase.id);
    const claimed = await transaction((manager) => deadlines.claim(manager, due.id));
    expect(claimed).toEqual({ id: due.id, kind: 'follow-up', caseId: kase.id, assignmentId: null, sequence: 2 });
    expect(await transaction((manager) => deadlines.claim(manager, due.id))).toBeUndefined(); // fires once

    const [candidate] = (await transaction((manager) => supporters.pool(manager, 'default'))).filter((supporter) => supporter.id === 'map-1');
    expect(candidate).toEqual({
      id: 'map-1', clinicianId: null, profession: 'Nurse', department: 'ICU', languages: ['en', 'fr'], status: 'active', optedOut: false,
      trainingExpiresOn: '2099-12-31', openCases: 0, maxOpenCases: 3, lastAssignedAt: null,
      availability: { timeZone: 'UTC', windows: [], unavailable: [] },
      lastSevereAcceptedAt: null, acceptsCasesWhileResting: false, casesMonth: null, casesInMonth: 0,
    });
    const [firstPage] = await transaction((manager) => supporters.candidateFirstPages(manager, 'default', [{ department: 'icu', profession: 'nurse' }], {
      trainedOn: '2026-11-26', languages: ['fr'],
    }));
    expect(firstPage.map((supporter) => supporter.id)).toEqual(['map-1']);
    expect(await supporters.describe('map-1')).toMatchObject({
      id: 'map-1', optedOut: false, trainingExpiresOn: '2099-12-31', openCases: 0, maxOpenCases: 3, timeZone: 'UTC', schedule: [], unavailability: [], training: [],
    });
    expect(await transaction((manager) => supporters.channelsOf(manager, 'map-1'))).toEqual([{ kind: 'sms', address: '+15550000001' }]);
  });

  it('shows on the cases board what waits for an answer, what escalated and which follow-ups are due, nothing about the event', async () => {
    const program = `board-${randomUUID().slice(0, 8)}`;
    const views = new CaseViews(database.dataSource, cases);
    await transaction((manager) => supporters.save(manager, profile(`${program}-s`, { program, maxOpenCases: 5 })));
    const waiting = newCase({ program });
    const escalated = newCase({ program });
    const following = newCase({ program });
    const elsewhere = newCase({ program: `${program}-other` });
    for (const kase of [waiting, escalated, following, elsewhere]) await transaction((manager) => cases.insert(manager, kase));
    const offer = (caseId: string, status: string) => database.dataSource.query(
      `INSERT INTO "matching"."assignments" ("id", "case_id", "supporter_id", "attempt", "status", "reasons", "considered", "excluded", "respond_by", "ack_seconds", "offered_at")
       VALUES (gen_random_uuid(), $1, $2, 1, $3, '[{"supporterId":"x","chosen":true}]', 1, '{}', now() + interval '10 minutes', 600, now() - interval '90 seconds')`,
      [caseId, `${program}-s`, status],
    );
    await offer(waiting.id, 'offered');
    await offer(elsewhere.id, 'offered');
    await offer(following.id, 'accepted');
    await database.dataSource.query(`UPDATE "matching"."cases" SET "status" = 'escalated', "escalation_reason" = 'overall-deadline' WHERE "id" = $1`, [escalated.id]);
    await transaction(async (manager) => {
      await deadlines.schedule(manager, { kind: 'follow-up', caseId: following.id, sequence: 1, dueAt: new Date(Date.now() + 3_600_000) });
      await deadlines.schedule(manager, { kind: 'follow-up', caseId: following.id, sequence: 2, dueAt: new Date(Date.now() + 3 * 86_400_000) });
    });

    const board = await views.board(program);
    expect(board.awaitingAcknowledgement).toEqual([{
      caseId: waiting.id, supporterId: `${program}-s`, attempt: 1, offeredAt: expect.any(Date), pagedAt: null, respondBy: expect.any(Date),
      waitingSeconds: expect.any(Number), reasons: [{ supporterId: 'x', chosen: true }],
    }]);
    expect(board.awaitingAcknowledgement[0].waitingSeconds).toBeGreaterThanOrEqual(89);
    expect(board.escalated).toEqual([{ caseId: escalated.id, status: 'escalated', escalationReason: 'overall-deadline', fallbackResource: null, since: expect.any(Date), waitingSeconds: expect.any(Number) }]);
    // Only the reminder due within the day.
    expect(board.followUpsDue).toEqual([{ caseId: following.id, supporterId: `${program}-s`, sequence: 1, dueAt: expect.any(Date), overdue: false }]);
    expect(JSON.stringify(board)).not.toMatch(/medication|severe|icu|north|E-/);
    // Every program's board holds the other program's waiting offer too.
    expect((await views.board()).awaitingAcknowledgement.map((entry) => entry.caseId)).toEqual(expect.arrayContaining([waiting.id, elsewhere.id]));
  });

  it('keeps a supporter\'s link to their own directory entry when an edit does not name it, and changes it when one does', async () => {
    const own = { system: EMPLOYEE, value: `E-${randomUUID()}` };
    const other = { system: EMPLOYEE, value: `E-${randomUUID()}` };
    const [ownId, otherId] = [randomUUID(), randomUUID()];
    await transaction((manager) => saveClinician(manager, ownId, { displayName: 'Own', profession: 'nurse' }, [own]));
    await transaction((manager) => saveClinician(manager, otherId, { displayName: 'Other', profession: 'nurse' }, [other]));
    const linkOf = async () => (await database.dataSource.query(`SELECT "clinician_id" FROM "matching"."supporters" WHERE "id" = 'linked-1'`))[0].clinician_id;
    await transaction((manager) => supporters.save(manager, profile('linked-1', { clinicianIdentifier: own })));
    expect(await linkOf()).toBe(ownId);
    // The console's edit form does not carry the identifier: the link stays.
    await transaction((manager) => supporters.save(manager, profile('linked-1', { displayName: 'Renamed' })));
    expect(await linkOf()).toBe(ownId);
    expect(await supporters.describe('linked-1')).toMatchObject({ displayName: 'Renamed', linkedToDirectory: true });
    await transaction((manager) => supporters.save(manager, profile('linked-1', { clinicianIdentifier: other })));
    expect(await linkOf()).toBe(otherId);
  });

  it('lists the roster by id, a page at a time, filtered by program and status', async () => {
    const program = `list-${randomUUID().slice(0, 8)}`;
    for (const [id, status] of [['c', 'active'], ['a', 'active'], ['b', 'paused'], ['d', 'active']] as const) {
      await transaction((manager) => supporters.save(manager, profile(`${program}-${id}`, { program, status, channels: [{ kind: 'email', address: `${id}@example.org` }] })));
    }
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id.slice(program.length + 1));
    const first = await supporters.list({ program, limit: 2 });
    expect(ids(first)).toEqual(['a', 'b']);
    expect(ids(await supporters.list({ program, limit: 2, after: first[1].id }))).toEqual(['c', 'd']);
    expect(ids(await supporters.list({ program, status: 'active', limit: 10 }))).toEqual(['a', 'c', 'd']);
    expect(first[0]).toEqual({
      id: `${program}-a`, displayName: `Supporter ${program}-a`, program, profession: 'Nurse', department: 'ICU', status: 'active', optedOut: false,
      trainingExpiresOn: '2099-12-31', openCases: 0, maxOpenCases: 1, channels: [{ kind: 'email', address: 'a@example.org' }],
    });
  });
  it('resolves a clinician and takes the lock of the person, not of the identifier, in one statement', async () => {
    const clinicianId = randomUUID();
    const npi = { system: 'http://hl7.org/fhir/sid/us-npi', value: `${Date.now()}`.slice(-10) };
    const employee = { system: EMPLOYEE, value: `E-${randomUUID()}` };
    await transaction((manager) => saveClinician(manager, clinicianId, { displayName: 'Dr Locked', profession: 'physician', department: 'ED' }, [npi, employee]));
    const unknown = { system: EMPLOYEE, value: `E-${randomUUID()}` };
    const held = async (key: string) => {
      const [{ free }] = await database.dataSource.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS "free"`, [key],
      );
      return !free;
    };
    const inside = gate();
    const done = gate();
    const holder = transaction(async (manager) => {
      const resolved = await cases.resolveAndLockClinician(manager, npi, clinicianLockKeys(npi), 'evt-locks');
      const unresolved = await cases.resolveAndLockClinician(manager, unknown, clinicianLockKeys(unknown), 'evt-locks');
      inside.open();
      await done.opened;
      return { resolved, unresolved };
    });
    await inside.opened;
    try {
      // The NPI resolved to the person: their key is held, so a request naming their employee number waits for it.
      expect(await held(clinicianLockKey(clinicianId, employee))).toBe(true);
      expect(await held(clinicianLockKeys(unknown).unresolved)).toBe(true);
      // The event's lock is taken in the same statement, so its other clinicians' requests wait for this one.
      expect(await held('matching:event:evt-locks')).toBe(true);
      expect(await held('matching:event:evt-other')).toBe(false);
      expect(await held(clinicianLockKey(randomUUID(), employee))).toBe(false);
      // A transaction already holding a clinician's lock only tries another: taken elsewhere, it gives up at once.
      await expect(transaction(async (manager) => {
        await cases.resolveAndLockClinician(manager, { system: EMPLOYEE, value: `E-${randomUUID()}` }, clinicianLockKeys({ system: EMPLOYEE, value: 'x' }), `evt-${randomUUID()}`);
        await cases.resolveAndLockClinician(manager, employee, clinicianLockKeys(employee), `evt-${randomUUID()}`);
      })).rejects.toBeInstanceOf(ClinicianLockBusyError);
    } finally {
      done.open();
    }
    const { resolved, unresolved } = await holder;
    expect(resolved).toEqual({ clinicianId, optedOut: false, department: 'ED', profession: 'physician', languages: [] });
    expect(unresolved).toBeUndefined();
  });
});
