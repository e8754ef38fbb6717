import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DEVELOPMENT_CONTACT_ENCRYPTION_KEYS } from '@harbor/config';
import { parseKeyRing } from '@harbor/crypto';
import { DispatchStore, NewDispatch } from '../../../apps/notification/src/dispatch/dispatch-store';
import { recordSmsConsent } from '../../../apps/notification/src/dispatch/sms-opt-outs';
import { notificationMigrations } from '../../../apps/notification/src/migrations';
import { NotificationEnv } from '../../../apps/notification/src/notification.env';
import { NewOffer, OfferStore } from '../../../apps/notification/src/offers/offer-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';
import { recordStatementsSentLater } from '../../support/statements-sent-later';
import { databaseRoundTrips } from '@harbor/persistence';

const LEASE_MS = 60_000;

/**
 * Notification's stores on a real schema without Kafka: the dispatch claim (a lease taken with SKIP LOCKED), the
 * lease running out, and rows handed out as camelCase types.
 */
describe('notification stores (Postgres only)', () => {
  let database: ServiceDatabase<NotificationEnv>;
  let dispatches: DispatchStore;
  let offers: OfferStore;

  beforeAll(async () => {
    database = await openServiceDatabase(NotificationEnv, 'notification', notificationMigrations(parseKeyRing(DEVELOPMENT_CONTACT_ENCRYPTION_KEYS)));
    dispatches = new DispatchStore(database.dataSource);
    offers = new OfferStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.close();
  });

  // Each test starts with no pending page, so a claim sees only the rows that test queued.
  beforeEach(async () => {
    await database.dataSource.query(`UPDATE "notification"."dispatches" SET "status" = 'cancelled' WHERE "status" = 'pending'`);
  });

  const staffPage = (changes: Partial<NewDispatch> = {}): NewDispatch => ({
    kind: 'staff-page', refId: randomUUID(), caseId: randomUUID(), recipientId: 'coordinator-1',
    channels: [{ kind: 'sms', address: '+15550001111' }, { kind: 'email', address: 'coordinator@example.org' }], text: 'Harbor: please call',
    ...changes,
  });

  async function queue(...pages: NewDispatch[]): Promise<void> {
    for (const page of pages) expect(await dispatches.enqueue(database.dataSource.manager, page)).toBe(true);
  }

  it('hands a due page to one of two concurrent claimers only', async () => {
    const pages = Array.from({ length: 6 }, () => staffPage());
    await queue(...pages);
    const [first, second] = await Promise.all([dispatches.claim(LEASE_MS, 10), dispatches.claim(LEASE_MS, 10)]);
    const firstIds = first.map((row) => row.refId);
    const secondIds = second.map((row) => row.refId);
    expect(firstIds.filter((id) => secondIds.includes(id))).toEqual([]);
    expect([...firstIds, ...secondIds].sort()).toEqual(pages.map((page) => page.refId).sort());
  });

  it('skips, without waiting for, the rows another worker is claiming in a transaction not yet committed', async () => {
    const [held, free] = [staffPage(), staffPage()];
    await queue(held, free);
    const runner = database.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      // The first worker's claim, inside a transaction that has not committed: its rows stay locked.
      const inTransaction = new DispatchStore(runner.manager as unknown as DataSource);
      const claimedFirst = await inTransaction.claim(LEASE_MS, 1);
      expect(claimedFirst.map((row) => row.refId)).toEqual([held.refId]);

      // A second worker meanwhile: it must not block on the locked row, and must not take it.
      const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 5_000).unref());
      const claimedSecond = await Promise.race([dispatches.claim(LEASE_MS, 10), blocked]);
      expect(claimedSecond).not.toBe('blocked');
      expect((claimedSecond as { refId: string }[]).map((row) => row.refId)).toEqual([free.refId]);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    // Committed, the first worker's lease keeps the row from everyone else.
    expect(await dispatches.claim(LEASE_MS, 10)).toEqual([]);
  });

  it('makes a claimed page claimable again once its lease runs out, counting the attempt', async () => {
    const page = staffPage();
    await queue(page);
    const [claimed] = await dispatches.claim(300, 10);
    expect(claimed).toMatchObject({ refId: page.refId, attempt: 1 });
    expect(await dispatches.claim(300, 10)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 400));
    const [again] = await dispatches.claim(LEASE_MS, 10);
    expect(again).toMatchObject({ id: claimed.id, refId: page.refId, attempt: 2 });
  });

  it('maps a claimed dispatch and its unsettled sends to camelCase fields', async () => {
    const deliverBy = new Date(Date.now() + 30 * 60_000);
    const page = staffPage({ pageKind: 'follow-up-reminder', deliverBy, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    await queue(page);
    const [claimed] = await dispatches.claim(LEASE_MS, 10);
    expect(claimed).toEqual({
      id: expect.any(String), kind: 'staff-page', refId: page.refId, caseId: page.caseId, recipientId: 'coordinator-1', channels: page.channels,
      text: 'Harbor: please call', channelIndex: 0, attempt: 1, round: 0, refused: [], failures: [], deliverBy, pageKind: 'follow-up-reminder',
      createdAt: expect.any(Date), traceparent: page.traceparent, unsettled: false,
    });

    // A send recorded as an intent and never settled (a crash): the next claim knows to reconcile it first.
    const { id: attemptId } = await dispatches.recordIntent({ dispatchId: claimed.id, channel: 'sms', channelIndex: 0, attempt: 1, idempotencyKey: `${page.refId}:sms` });
    await dispatches.release(claimed.id, 0);
    const [reclaimed] = await dispatches.claim(LEASE_MS, 10);
    expect(reclaimed).toMatchObject({ id: claimed.id, attempt: 2, unsettled: true });
    expect(await dispatches.unsettledAttempts(claimed.id)).toEqual([{ id: attemptId, channelIndex: 0, attemptedAt: expect.any(Date) }]);
  });

  it("records a send's intent and reads an SMS number's consent in one statement, moving a legacy digest to the current key", async () => {
    const page = staffPage();
    await queue(page);
    const [claimed] = await dispatches.claim(LEASE_MS, 10);
    const intent = (channel: string, sms?: { current: string; legacy: string }) =>
      dispatches.recordIntent({ dispatchId: claimed.id, channel, channelIndex: 0, attempt: 1, idempotencyKey: `${page.refId}:${channel}:${randomUUID()}` }, sms);
    const [stopped, started, unknown, legacy, moved] = ['stop', 'start', 'unknown', 'legacy', 'moved'].map((name) => `digest-${name}-${randomUUID()}`);
    await database.dataSource.transaction(async (manager) => {
      expect(await recordSmsConsent(manager, { current: stopped, legacy: 'none' }, true, new Date())).toBe(true);
      expect(await recordSmsConsent(manager, { current: started, legacy: 'none' }, true, new Date(Date.now() - 60_000))).toBe(true);
      expect(await recordSmsConsent(manager, { current: started, legacy: 'none' }, false, new Date())).toBe(true);
    });
    await database.dataSource.query(
      `INSERT INTO "notification"."sms_opt_outs" ("address_hash", "opted_out", "changed_at", "legacy_hash") VALUES ($1, true, now(), true)`, [legacy]);

    const query = jest.spyOn(database.dataSource, 'query');
    try {
      const results = [
        await intent('sms', { current: stopped, legacy: 'none' }),
        await intent('sms', { current: started, legacy: 'none' }),
        await intent('sms', { current: unknown, legacy: 'none' }),
        await intent('sms', { current: moved, legacy }),
        await intent('email'),
      ];
      expect(results.map((result) => result.smsOptedOut)).toEqual([true, false, false, true, false]);
      expect(query).toHaveBeenCalledTimes(5);
    } finally {
      query.mockRestore();
    }
    // The legacy digest's opt-out now lives under the current key; every intent was recorded as sending.
    expect(await database.dataSource.query(`SELECT "opted_out", "legacy_hash" FROM "notification"."sms_opt_outs" WHERE "address_hash" = ANY($1)`, [[legacy, moved]]))
      .toEqual([{ opted_out: true, legacy_hash: false }]);
    expect(await dispatches.unsettledAttempts(claimed.id)).toHaveLength(5);
  });

  it('settles a send the provider took and finishes its dispatch in one statement, sent with the COMMIT: one round trip', async () => {
    const page = staffPage({ pageKind: 'follow-up-reminder' });
    await queue(page);
    const [claimed] = await dispatches.claim(LEASE_MS, 10);
    const { id: attemptId } = await dispatches.recordIntent({ dispatchId: claimed.id, channel: 'sms', channelIndex: 0, attempt: 1, idempotencyKey: `${page.refId}:sms` });
    const before = databaseRoundTrips();
    await database.dataSource.transaction((manager) => dispatches.finishSent(manager, claimed.id, attemptId, 'SM-1'));
    expect(databaseRoundTrips() - before).toBe(1); // BEGIN, the settling UPDATE and COMMIT together
    expect(await dispatches.unsettledAttempts(claimed.id)).toEqual([]);
    const [attempt] = await database.dataSource.query(`SELECT "status", "provider_ref", "settled_at" FROM "notification"."delivery_attempts" WHERE "id" = $1`, [attemptId]);
    expect(attempt).toEqual({ status: 'sent', provider_ref: 'SM-1', settled_at: expect.any(Date) });
    const [dispatch] = await database.dataSource.query(`SELECT "status", "text", "lease_until", "finished_at" FROM "notification"."dispatches" WHERE "id" = $1`, [claimed.id]);
    expect(dispatch).toEqual({ status: 'sent', text: null, lease_until: null, finished_at: expect.any(Date) });
    expect(await dispatches.claim(LEASE_MS, 10)).toEqual([]);
  });

  const newOffer = (): NewOffer => ({
    assignmentId: randomUUID(), caseId: randomUUID(), supporterId: `supporter-${randomUUID()}`, attempt: 1, replyCode: 'Q4',
    respondBy: '2026-11-26T12:00:00.000Z', smsAddressHash: null, programId: 'default',
  });
  const offerPage = (offer: NewOffer): NewDispatch => ({
    kind: 'offer-page', refId: offer.assignmentId, caseId: offer.caseId, recipientId: offer.supporterId, channels: [{ kind: 'sms', address: '+15550002222' }], text: 'Harbor: Q4',
  });

  it("tells with each claimed offer page whether its offer is still open (no read per page); other pages carry no offer status", async () => {
    const manager = database.dataSource.manager;
    const [open, closed, unknown] = [newOffer(), newOffer(), newOffer()];
    for (const offer of [open, closed]) expect(await offers.create(manager, offer)).toBe('created');
    await offers.close(manager, closed.assignmentId);
    const staff = staffPage();
    await queue(offerPage(open), offerPage(closed), offerPage(unknown), staff);
    const claimed = await dispatches.claim(LEASE_MS, 10);
    const statusOf = Object.fromEntries(claimed.map((row) => [row.refId, row.offerStatus]));
    expect(statusOf).toEqual({ [open.assignmentId]: 'open', [closed.assignmentId]: 'closed', [unknown.assignmentId]: null, [staff.refId]: undefined });
  });

  it("writes a transaction's new offer pages in one INSERT as it commits; the store's next statement in it sees them, a rollback writes none", async () => {
    const [first, second, third] = [newOffer(), newOffer(), newOffer()];
    const sent: string[] = [];
    let stopRecording: (() => void) | undefined;
    await database.dataSource.transaction(async (manager) => {
      const query = manager.query.bind(manager);
      manager.query = ((sql: string, parameters?: unknown[]) => {
        sent.push(sql.replace(/\s+/g, ' ').trim());
        return query(sql, parameters);
      }) as typeof manager.query;
      // Rows written at commit travel with the COMMIT, past manager.query.
      stopRecording = recordStatementsSentLater(manager.queryRunner!, (sql) => sent.push(sql.replace(/\s+/g, ' ').trim()));
      await dispatches.enqueueAtCommit(manager, offerPage(first));
      await dispatches.enqueueAtCommit(manager, offerPage(second));
      expect(sent).toEqual([]);
    }).finally(() => stopRecording?.());
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^INSERT INTO "notification"."dispatches" .* ON CONFLICT \("kind", "ref_id"\) DO NOTHING$/);
    const queued = await database.dataSource.query(`SELECT "ref_id" FROM "notification"."dispatches" WHERE "ref_id" = ANY($1::uuid[]) AND "status" = 'pending'`, [[first.assignmentId, second.assignmentId]]);
    expect(queued).toHaveLength(2);

    // Queued, then withdrawn in the same transaction: the store writes the pending row before its UPDATE, which so finds it.
    await database.dataSource.transaction(async (manager) => {
      await dispatches.enqueueAtCommit(manager, offerPage(third));
      await dispatches.finish(manager, { pendingOfferPageFor: third.assignmentId }, 'cancelled');
    });
    const [withdrawn] = await database.dataSource.query(`SELECT "status" FROM "notification"."dispatches" WHERE "ref_id" = $1`, [third.assignmentId]);
    expect(withdrawn).toEqual({ status: 'cancelled' });

    const rolledBack = newOffer();
    await expect(
      database.dataSource.transaction(async (manager) => {
        await dispatches.enqueueAtCommit(manager, offerPage(rolledBack));
        throw new Error('the chunk failed');
      }),
    ).rejects.toThrow('the chunk failed');
    expect(await database.dataSource.query(`SELECT 1 FROM "notification"."dispatches" WHERE "ref_id" = $1`, [rolledBack.assignmentId])).toEqual([]);
  });

  it('keeps one offer per assignment and maps its answer and viewer binding', async () => {
    const manager = database.dataSource.manager;
    const offer: NewOffer = {
      assignmentId: randomUUID(), caseId: randomUUID(), supporterId: 'supporter-1', attempt: 1, replyCode: 'K7',
      respondBy: '2026-11-26T12:00:00.000Z', smsAddressHash: 'digest-1', programId: 'default',
    };
    expect(await offers.create(manager, offer)).toBe('created');
    expect(await offers.create(manager, { ...offer, replyCode: 'Z9' })).toBe('exists');
    // Another offer to the same supporter cannot take an open offer's code; another supporter's offer can.
    const next: NewOffer = { ...offer, assignmentId: randomUUID(), caseId: randomUUID(), smsAddressHash: 'digest-2' };
    expect(await offers.create(manager, next)).toBe('code-taken');
    expect(await offers.create(manager, { ...next, supporterId: 'supporter-2', assignmentId: randomUUID() })).toBe('created');
    expect(await offers.create(manager, { ...next, replyCode: 'Z9' })).toBe('created');
    expect(await offers.openForSms(manager, { current: 'digest-1', legacy: 'other' })).toEqual([{ assignmentId: offer.assignmentId, replyCode: 'K7' }]);

    const locked = await database.dataSource.transaction((transaction) => offers.lockForAnswer(transaction, offer.assignmentId));
    expect(locked).toEqual({
      assignmentId: offer.assignmentId, caseId: offer.caseId, supporterId: 'supporter-1', status: 'open', respondBy: new Date(offer.respondBy),
    });
    expect(await offers.lockForAnswer(manager, randomUUID())).toBeUndefined();

    await offers.recordAnswer(manager, offer.assignmentId, { response: 'accepted', respondedAt: new Date(), via: 'sms', viewerHash: null, claimNonce: 'nonce-1' });
    expect(await offers.viewerOf(offer.assignmentId)).toEqual({ status: 'accepted', viewerHash: null, claimNonce: 'nonce-1' });
    expect(await offers.isAccepted(manager, offer.assignmentId)).toBe(true);
    expect(await offers.bindViewer(offer.assignmentId, 'browser-1', 'wrong-nonce')).toBe(false);
    expect(await offers.bindViewer(offer.assignmentId, 'browser-1', 'nonce-1')).toBe(true);
    expect(await offers.bindViewer(offer.assignmentId, 'browser-2', 'nonce-1')).toBe(false);
    expect(await offers.viewerOf(offer.assignmentId)).toEqual({ status: 'accepted', viewerHash: 'browser-1', claimNonce: null });

    // Only an open offer becomes undeliverable; closing ends an accepted one.
    expect(await offers.markUndeliverable(manager, offer.assignmentId)).toBe(false);
    await offers.close(manager, offer.assignmentId);
    expect((await offers.viewerOf(offer.assignmentId))?.status).toBe('closed');
    expect(await offers.viewerOf(randomUUID())).toBeUndefined();
  });

  it('tells which offer pages had been delivered when an SMS was written', async () => {
    const manager = database.dataSource.manager;
    const [paged, pending] = [randomUUID(), randomUUID()];
    for (const refId of [paged, pending]) {
      await queue({ kind: 'offer-page', refId, caseId: randomUUID(), recipientId: 'supporter-2', channels: [{ kind: 'sms', address: '+15550002222' }], text: 'page' });
    }
    await dispatches.finish(manager, { id: (await dispatches.claim(LEASE_MS, 10)).find((row) => row.refId === paged)!.id }, 'sent');
    const later = new Date(Date.now() + 5_000);
    const earlier = new Date(Date.now() - 5_000);
    expect(await dispatches.offerPagesSentBy(manager, [paged, pending], later)).toEqual(new Set([paged]));
    expect(await dispatches.offerPagesSentBy(manager, [paged, pending], earlier)).toEqual(new Set());
  });
});
