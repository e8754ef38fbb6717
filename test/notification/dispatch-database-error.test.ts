import { randomUUID } from 'node:crypto';
import { AssignmentOffered, AssignmentOfferedV1 } from '@harbor/contracts';
import { FakeTwilio } from '../support/fake-twilio';
import { HarborHarness } from '../support/harbor-harness';
import { uniqueSuffix, waitFor } from '../support/infrastructure';
import { KafkaTap } from '../support/kafka-tap';

// Only notification runs here: keep the other services' modules (edited concurrently by others) out of this file's load.
jest.mock('../../apps/intake/src/intake.module', () => ({ IntakeModule: {} }));
jest.mock('../../apps/matching/src/matching.module', () => ({ MatchingModule: {} }));
jest.mock('../../apps/reporting/src/reporting.module', () => ({ ReportingModule: {} }));

const PROVIDER_TIMEOUT_MS = 500;
/** What a claimed row's lease lasts (2 × provider timeout + 5 s): a page left leased waits this long. */
const LEASE_MS = PROVIDER_TIMEOUT_MS * 2 + 5000;

/**
 * The chaos tier terminated every database connection while pages were being dispatched: a page whose work
 * failed on the database stayed leased to a worker that had already let go of it, and waited out the whole
 * lease. Postgres itself fails here, for a moment, through a trigger on the intent table.
 */
describe('notification: a database error while dispatching a page', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  let tap: KafkaTap;

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      services: ['notification'],
      serviceEnv: {
        notification: {
          TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000004', TWILIO_AUTH_TOKEN: 'twilio-auth-token-for-db-errors',
          TWILIO_FROM_NUMBER: '+15559990004', NOTIFY_PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS), NOTIFY_DISPATCH_POLL_MS: '100',
        },
      },
    });
    tap = await new KafkaTap(harbor, []).start();
    await harbor.db.query(`CREATE TABLE "notification"."injected_failure" ("until" timestamptz NOT NULL)`);
    await harbor.db.query(`
      CREATE FUNCTION "notification"."fail_while_injected"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM "notification"."injected_failure" WHERE "until" > clock_timestamp()) THEN
          RAISE EXCEPTION 'injected database failure';
        END IF;
        RETURN NEW;
      END $$`);
    await harbor.db.query(`
      CREATE TRIGGER "fail_while_injected" BEFORE INSERT ON "notification"."delivery_attempts"
      FOR EACH ROW EXECUTE FUNCTION "notification"."fail_while_injected"()`);
  });

  afterAll(async () => {
    await harbor?.db.query(`DROP TRIGGER IF EXISTS "fail_while_injected" ON "notification"."delivery_attempts"`).catch(() => undefined);
    await tap?.stop();
    await harbor?.stop();
    await twilio.stop();
  });

  it('is tried again within a couple of seconds of the database recovering, not after its lease', async () => {
    const phone = `+1559${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const offer: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels: [{ kind: 'sms', address: phone }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    await harbor.db.query(`INSERT INTO "notification"."injected_failure" ("until") VALUES (clock_timestamp() + interval '20 seconds')`);
    await tap.produce(AssignmentOffered, offer, 'harbor/matching');
    await waitFor(async () => harbor.logs.containing('dispatch failed unexpectedly').length > 0, 'the dispatch to meet the failure', 20_000);
    await harbor.db.query(`DELETE FROM "notification"."injected_failure"`);
    const recoveredAt = Date.now();

    await waitFor(async () => twilio.countTo(phone) === 1, 'the page', LEASE_MS + 10_000);
    const delivered = twilio.messages.find((message) => message.to === phone)!.receivedAt;
    expect(delivered - recoveredAt).toBeLessThan(LEASE_MS / 2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(twilio.countTo(phone)).toBe(1);
  }, 60_000);
});
