import { randomUUID } from 'node:crypto';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { MatchingDriver } from './matching-driver';

/**
 * A matching process that died between taking a supporter's capacity (a hold, committed on its own) and committing
 * the offer leaves the hold behind. A running replica's scheduler gives the capacity back, the month's count with it
 * (docs/matching.md, "Concurrent decisions"); a hold still young is left for its own decision to claim.
 */
describe('matching: capacity held by a decision that never committed', () => {
  let harbor: HarborHarness;
  let driver: MatchingDriver;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv: { matching: { MATCHING_SCHEDULER_TICK_MS: '100' } } });
    driver = new MatchingDriver(harbor);
    await driver.start();
  });

  afterAll(async () => {
    await driver?.stop();
    await harbor?.stop();
  });

  const load = async (id: string) =>
    (await harbor.db.query(`SELECT "open_cases" AS "open", "cases_in_month" AS "month" FROM "matching"."supporters" WHERE "id" = $1`, [id])).rows[0];

  it('is given back by the running service; a young hold is not', async () => {
    await driver.supporter('s-orphaned', { maxOpenCases: 2 });
    const month = new Date().toISOString().slice(0, 7);
    // What a decision that died after its hold left: one case's capacity and month count taken, no offer. Beside it, a
    // hold whose decision is still running (dated ahead, so it stays young for the whole test).
    const orphaned = randomUUID();
    const young = randomUUID();
    await harbor.db.query(
      `UPDATE "matching"."supporters" SET "open_cases" = 2, "cases_month" = $2::date, "cases_in_month" = 2 WHERE "id" = $1`, ['s-orphaned', `${month}-01`]);
    await harbor.db.query(
      `INSERT INTO "matching"."capacity_holds" ("id", "supporter_id", "counted_month", "created_at")
       VALUES ($1, 's-orphaned', $3::date, now() - interval '1 minute'), ($2, 's-orphaned', $3::date, now() + interval '1 hour')`,
      [orphaned, young, `${month}-01`]);

    await waitFor(async () => (await harbor.db.query(`SELECT 1 FROM "matching"."capacity_holds" WHERE "id" = $1`, [orphaned])).rows.length === 0,
      'the orphaned hold to be released', 20_000);
    expect(await load('s-orphaned')).toEqual({ open: 1, month: 1 });
    expect((await harbor.db.query(`SELECT 1 FROM "matching"."capacity_holds" WHERE "id" = $1`, [young])).rows).toHaveLength(1);
  });
});
