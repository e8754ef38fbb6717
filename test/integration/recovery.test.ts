import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Producer } from 'kafkajs';
import { AssignmentOffered, AssignmentOfferedV1 } from '@harbor/contracts';
import { envelopeToHeaders, newEnvelope } from '@harbor/messaging';
import { freePort } from '../support/secured-kafka';
import { createTestDatabase, kafkaClient, testInfrastructure, testPool, uniqueSuffix, uniqueTopicPrefix, waitFor } from '../support/infrastructure';
import { buildServices, ServiceProcess } from '../support/service-process';

/**
 * Notification as a real process, killed with SIGKILL and started again on the same port. A dead member keeps
 * its partitions until its session expires; the restarted process must not wait for that to open its port
 * and send the pages already queued in its database.
 */
describe('recovery after kill -9', () => {
  const prefix = uniqueTopicPrefix();
  let db: Pool;
  let dropDatabase: () => Promise<void>;
  let env: Record<string, string>;
  let port: number;
  let producer: Producer;
  const processes: ServiceProcess[] = [];

  beforeAll(async () => {
    const [database] = await Promise.all([createTestDatabase(), buildServices()]);
    dropDatabase = database.drop;
    db = testPool(database.url, 2);
    port = await freePort();
    env = {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: testInfrastructure().brokers.join(','),
      KAFKA_TOPIC_PREFIX: prefix,
      NOTIFY_DISPATCH_POLL_MS: '60000', // pages must be found by the start-up drain, not by a poll
      LOG_LEVEL: 'info',
    };
    producer = kafkaClient().producer();
    await producer.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    await producer?.disconnect();
    await db?.end();
    await dropDatabase?.();
  });

  function start(extra: Record<string, string> = {}): ServiceProcess {
    const process = ServiceProcess.start('notification', port, { ...env, ...extra });
    processes.push(process);
    return process;
  }

  async function offer(address: string): Promise<void> {
    const payload: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels: [{ kind: 'console', address }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    await producer.send({
      topic: `${prefix}${AssignmentOffered.topic}`,
      messages: [{ key: AssignmentOffered.key(payload), value: JSON.stringify(payload), headers: envelopeToHeaders(newEnvelope(AssignmentOffered, payload, 'harbor/matching')) }],
    });
  }

  /** A staff page written straight into the dispatch queue, as one queued before the crash would be. */
  async function queuePage(address: string): Promise<void> {
    await db.query(
      `INSERT INTO "notification"."dispatches" ("id", "kind", "ref_id", "case_id", "recipient_id", "channels", "text")
       VALUES ($1, 'staff-page', $2, $3, 'coordinator', $4, 'Harbor: a case needs a coordinator.')`,
      [randomUUID(), randomUUID(), randomUUID(), JSON.stringify([{ kind: 'console', address }])],
    );
  }

  const paged = (process: ServiceProcess, address: string) =>
    waitFor(async () => process.containing(`[page → ${address}]`).length > 0, `a page to ${address}`, 15_000).catch((error) => {
      throw new Error(`${(error as Error).message}; output:\n${process.output.slice(-30).join('\n')}`);
    });

  it('opens its port and sends queued pages while the consumer group still waits for the dead member', async () => {
    // The first process holds its partitions for 20 s after dying: long enough to see what waits for the group.
    const first = start({ KAFKA_SESSION_TIMEOUT_MS: '20000' });
    await first.waitUntilReady(60_000);
    await offer('before-crash');
    await paged(first, 'before-crash');

    await first.crash();
    // As if the replacement ran in another pod: it does not know the dead member, so it must wait for its session.
    await db.query(`DELETE FROM "notification"."consumer_members"`);
    await queuePage('queued-while-down');
    await offer('offered-while-down');

    const second = start();
    const restartedAt = Date.now();
    await waitFor(async () => (await second.readiness()) !== undefined, 'the restarted process to open its port', 15_000);
    await paged(second, 'queued-while-down');
    // Served and paging, yet not ready: the group has not been joined, and readiness says so.
    const meanwhile = await second.readiness();
    expect(meanwhile?.status).toBe(503);
    expect(meanwhile?.body.checks).toMatchObject({ database: 'up', kafkaProducer: 'connected', kafkaConsumer: 'starting', lifecycle: 'running' });
    expect(Date.now() - restartedAt).toBeLessThan(20_000);

    // Once the dead member's session expired the group is joined and what was offered meanwhile is paged.
    await second.waitUntilReady(40_000);
    await paged(second, 'offered-while-down');

    // With the default session (6 s), a second crash costs seconds, not half a minute.
    await second.crash();
    await offer('offered-after-second-crash');
    const third = start();
    await third.waitUntilReady(15_000);
    await paged(third, 'offered-after-second-crash');
  });
  it('takes its own dead predecessor out of the group when restarted under the same name, instead of waiting for its session', async () => {
    // The previous test's last process still runs on this port: stop it (a clean leave) first.
    const stopped = processes.splice(0);
    await Promise.all(stopped.map((process) => process.stop()));
    expect(stopped.flatMap((process) => process.containing('could not forget the group member id'))).toEqual([]);
    // A 45 s session: waiting for it would take longer than the bound below, which leaves room for a loaded CI machine.
    const first = start({ KAFKA_SESSION_TIMEOUT_MS: '45000' });
    await first.waitUntilReady(60_000);
    // Its predecessor left cleanly and was forgotten: nothing to take out of the group, so no refused LeaveGroup either.
    expect([...first.containing('LeaveGroup'), ...first.containing("took this instance's previous member")]).toEqual([]);
    await offer('before-the-kill');
    await paged(first, 'before-the-kill');

    await first.crash();
    await offer('offered-after-the-kill');
    const restartedAt = Date.now();
    const second = start({ KAFKA_SESSION_TIMEOUT_MS: '45000' });
    await second.waitUntilReady(30_000);
    await paged(second, 'offered-after-the-kill');
    expect(Date.now() - restartedAt).toBeLessThan(35_000);
    expect(second.containing("took this instance's previous member out of the group").length).toBe(1);
  });
});
