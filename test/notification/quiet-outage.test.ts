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

const BREAKER_RESET_MS = 1000;

/**
 * The chaos tier's finding: Twilio goes down while nothing else is sent (a quiet night), one page waits it out.
 * Nothing but that page tests the provider, so when Twilio comes back the page must be tried again within
 * about a breaker reset, not at the end of a per-pass backoff grown towards NOTIFY_RETRY_MAX_MS (30 s by
 * default; 20 s here, with a 1 s reset).
 */
describe('notification: a provider outage at a quiet time', () => {
  const twilio = new FakeTwilio();
  let harbor: HarborHarness;
  let tap: KafkaTap;

  beforeAll(async () => {
    const twilioUrl = await twilio.start();
    harbor = await HarborHarness.start({
      services: ['notification'],
      serviceEnv: {
        notification: {
          TWILIO_BASE_URL: twilioUrl, TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000003', TWILIO_AUTH_TOKEN: 'twilio-auth-token-for-quiet-outage',
          TWILIO_FROM_NUMBER: '+15559990003',
          NOTIFY_SEND_ATTEMPTS: '3', NOTIFY_RETRY_BASE_MS: '200', NOTIFY_RETRY_MAX_MS: '20000', NOTIFY_PROVIDER_TIMEOUT_MS: '500',
          NOTIFY_BREAKER_VOLUME: '5', NOTIFY_BREAKER_ERROR_PERCENT: '50', NOTIFY_BREAKER_RESET_MS: String(BREAKER_RESET_MS), NOTIFY_DISPATCH_POLL_MS: '100',
        },
      },
    });
    tap = await new KafkaTap(harbor, []).start();
  });

  afterAll(async () => {
    twilio.endOutage();
    await tap?.stop();
    await harbor?.stop();
    await twilio.stop();
  });

  it('a page that waited out the outage goes within about a breaker reset of the provider coming back', async () => {
    const phone = `+1558${String(Date.now() % 10_000_000).padStart(7, '0')}`;
    const offer: AssignmentOfferedV1 = {
      assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: `sup-${uniqueSuffix()}`, channels: [{ kind: 'sms', address: phone }],
      respondBy: new Date(Date.now() + 15 * 60_000).toISOString(),
    };
    twilio.startOutage({ status: 503 });
    await tap.produce(AssignmentOffered, offer, 'harbor/matching');

    // Down for a while: long enough for the per-pass backoff to grow past the breaker's reset. The outage ends
    // just after the page was last turned away, when it is due again furthest in the future.
    const dueIn = async () => (await harbor.db.query(
      `SELECT EXTRACT(EPOCH FROM "due_at" - now()) * 1000 AS "ms" FROM "notification"."dispatches" WHERE "ref_id" = $1 AND "waiting_since" IS NOT NULL`,
      [offer.assignmentId],
    )).rows[0]?.ms as number | undefined;
    const outageUntil = Date.now() + 12_000;
    while (Date.now() < outageUntil && ((await dueIn()) ?? 0) < 3 * BREAKER_RESET_MS) await new Promise((resolve) => setTimeout(resolve, 50));
    twilio.endOutage();
    const backAt = Date.now();

    await waitFor(async () => twilio.countTo(phone) === 1, 'the page once Twilio is back', 30_000);
    const delivered = twilio.messages.find((message) => message.to === phone)!.receivedAt;
    // The next trial (≤ 1 s), the wait for it and a poll; not the 3 s or more a grown backoff left.
    expect(delivered - backAt).toBeLessThan(2.5 * BREAKER_RESET_MS);
    expect(twilio.refusedByStatus.get(503)).toBeGreaterThan(0);
  }, 60_000);
});
