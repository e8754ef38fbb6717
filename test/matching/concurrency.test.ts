import { INestApplication } from '@nestjs/common';
import { AssignerProtocol } from 'kafkajs';
import { AssignmentClosed, AssignmentOffered, CaseLifecycle } from '@harbor/contracts';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';
import { MatchingDriver } from './matching-driver';

const SUPPORTERS = 12;
const CAPACITY = 2;
const CASES = 40;

/**
 * Two matching replicas on one database and one consumer group, real Kafka and Postgres: many cases at
 * once against a roster with less capacity than cases. No supporter is ever pushed over capacity, no case
 * is offered twice at once, every case ends offered or escalated, and every acknowledgement deadline fires
 * exactly once although both replicas' schedulers tick every 100 ms.
 */
describe('matching under concurrency: two replicas', () => {
  let harbor: HarborHarness;
  let replica: INestApplication;
  let driver: MatchingDriver;

  beforeAll(async () => {
    const serviceEnv = { matching: { MATCHING_SCHEDULER_TICK_MS: '100', KAFKA_CONSUMER_BATCH_SIZE: '5' } };
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv });
    replica = await harbor.startReplica('matching', { serviceEnv });
    driver = new MatchingDriver(harbor);
    await driver.start();
  });

  afterAll(async () => {
    await driver?.stop();
    await replica?.close();
    await harbor?.stop();
  });

  /** Both members hold partitions of the consumer group: without waiting, a fast first replica can take every request. */
  async function bothReplicasHoldPartitions() {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      await waitFor(async () => {
        const { groups: [group] } = await admin.describeGroups([`${harbor.topicPrefix}harbor-matching`]);
        return group.state === 'Stable' && group.members.length === 2 && group.members.every((member) => Object.keys(AssignerProtocol.MemberAssignment.decode(member.memberAssignment)?.assignment ?? {}).length > 0);
      }, 'both matching replicas to hold partitions', 30_000);
    } finally {
      await admin.disconnect();
    }
  }

  it('never exceeds capacity, never offers a case twice, fires each deadline once', async () => {
    // One offer per case: when it expires, the case escalates (offer limit).
    await driver.admin('/v1/policy', 'PUT', { ackTimeoutSeconds: 3600, maxOffers: 1, overallDeadlineSeconds: 7200 });
    for (let index = 0; index < SUPPORTERS; index++) await driver.supporter(`s-${index}`, { maxOpenCases: CAPACITY });
    await Promise.all(Array.from({ length: CASES }, (_, index) => driver.clinician(`C-${index}`)));
    await bothReplicasHoldPartitions();

    // Sample the invariant in the database while decisions run.
    let sampling = true;
    const violations: unknown[] = [];
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await harbor.db.query(
          `SELECT s."id", s."open_cases", s."max_open_cases",
                  (SELECT count(*)::int FROM "matching"."assignments" a WHERE a."supporter_id" = s."id" AND a."status" = 'offered') AS open_offers
           FROM "matching"."supporters" s WHERE s."open_cases" > s."max_open_cases"
              OR (SELECT count(*) FROM "matching"."assignments" a WHERE a."supporter_id" = s."id" AND a."status" = 'offered') > s."max_open_cases"`,
        );
        violations.push(...rows);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    try {
      await Promise.all(Array.from({ length: CASES }, (_, index) => driver.requestSupport(`C-${index}`)));
      const settled = (status: string) => driver.of(CaseLifecycle, (change) => change.status === status);
      await waitFor(async () => settled('offered').length + settled('escalated').length >= CASES, 'every case offered or escalated', 60_000);

      const offers = driver.of(AssignmentOffered);
      expect(offers).toHaveLength(SUPPORTERS * CAPACITY);
      expect(new Set(offers.map((offer) => offer.payload.caseId)).size).toBe(offers.length);
      const perSupporter = new Map<string, number>();
      for (const offer of offers) perSupporter.set(offer.payload.supporterId as string, (perSupporter.get(offer.payload.supporterId as string) ?? 0) + 1);
      expect([...perSupporter.values()].every((count) => count <= CAPACITY)).toBe(true);
      expect(perSupporter.size).toBe(SUPPORTERS);
      expect(settled('escalated').map((change) => change.payload.escalationReason)).toEqual(Array(CASES - SUPPORTERS * CAPACITY).fill('no-eligible-supporter'));

      // Every page reached its supporter (the driver reports each offer paged, as notification does), which
      // starts each acknowledgement clock; then time passes: every deadline falls due at once, and both
      // replicas' schedulers race for them.
      await waitFor(async () => (await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."deadlines" WHERE "kind" = 'ack' AND "status" = 'pending'`)).rows[0].n === offers.length,
        'every acknowledgement clock to start');
      await harbor.db.query(`UPDATE "matching"."deadlines" SET "due_at" = now() WHERE "kind" = 'ack' AND "status" = 'pending'`);
      // Every offer expires exactly once, then its case escalates for the offer limit; capacity all comes back.
      const expired = await driver.next(AssignmentClosed, (closed) => closed.reason === 'expired', 'every offer to expire', offers.length, 60_000);
      await waitFor(async () => settled('escalated').length >= CASES, 'every case escalated', 60_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(driver.of(AssignmentClosed, (closed) => closed.reason === 'expired')).toHaveLength(offers.length);
      expect(new Set(expired.map((closed) => closed.payload.assignmentId)).size).toBe(offers.length);
      expect(settled('escalated')).toHaveLength(CASES);
      expect(driver.of(AssignmentOffered)).toHaveLength(offers.length);
      const { rows: fired } = await harbor.db.query(`SELECT count(*)::int AS n FROM "matching"."deadlines" WHERE "kind" = 'ack' AND "status" = 'fired'`);
      expect(fired[0].n).toBe(offers.length);
      const { rows: load } = await harbor.db.query(`SELECT sum("open_cases")::int AS n FROM "matching"."supporters"`);
      expect(load[0].n).toBe(0);
    } finally {
      sampling = false;
      await sampler;
    }
    expect(violations).toEqual([]);

    // Both replicas took part: each processed records from its share of the partitions (the counter counts every
    // topic together, so the support requests are at least CASES of their sum).
    const processedBy = async (app: INestApplication) => {
      const line = (await harbor.scrape(app)).split('\n').find((entry) => entry.startsWith('harbor_messages_consumed_total') && entry.includes('outcome="processed"'));
      return Number(line?.split(' ').pop() ?? 0);
    };
    const counts = [await processedBy(harbor.apps.matching), await processedBy(replica)];
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(CASES);
  });
});
