import { Role } from '@harbor/auth';
import { AssignmentOffered, CaseLifecycle } from '@harbor/contracts';
import { HarborHarness } from '../support/harbor-harness';
import { MatchingDriver } from './matching-driver';

/**
 * Care for the carers through real Kafka and Postgres: a supporter who accepted a case from a severe-harm
 * event rests (48 h by default) and is skipped for the next case with the reason recorded; opting in to more
 * cases lifts the rest; the program's monthly cap then stops them, again with the reason recorded.
 */
describe('matching: rest after a severe case and the monthly cap', () => {
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

  const seen = new Set<string>();
  const escalation = async (caseOf: string) => {
    const [escalated] = await driver.next(
      CaseLifecycle, (change) => change.status === 'escalated' && change.escalationReason === 'no-eligible-supporter' && driver.of(AssignmentOffered, (offer) => offer.caseId === change.caseId).length === 0
        && !seen.has(change.caseId), `the escalation of ${caseOf}`,
    );
    seen.add(escalated.payload.caseId);
    return escalated.payload.caseId;
  };

  it('skips a resting supporter with the reason recorded, offers again after they opt in, and stops at the monthly cap', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', { ackTimeoutSeconds: 600, overallDeadlineSeconds: 600, maxOffers: 3 })).status).toBe(200);
    const { body: policies } = await driver.admin('/v1/policy', 'GET');
    expect(policies.defaults).toMatchObject({ restAfterSevereHours: 48, monthlyCaseCap: 4 });
    for (const clinician of ['E-700', 'E-701', 'E-702', 'E-703']) await driver.clinician(clinician);
    await driver.supporter('carer-a', { maxOpenCases: 5 });

    // A severe-harm case, accepted: carer-a's rest starts.
    await driver.requestSupport('E-700', { trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() } });
    const [first] = await driver.next(AssignmentOffered, () => true, 'the first offer');
    expect(first.payload.supporterId).toBe('carer-a');
    const acceptedAt = Date.now();
    await driver.respond(first, 'accepted');
    await driver.next(CaseLifecycle, (change) => change.caseId === first.payload.caseId && change.status === 'accepted', 'the acceptance');
    const { body: profile } = await driver.admin('/v1/roster/supporters/carer-a', 'GET');
    expect(profile).toMatchObject({ acceptsCasesWhileResting: false, lastSevereAcceptedAt: expect.any(String), casesInMonth: 1 });

    // The next case: carer-a is resting, nobody else is eligible: escalated, and the census says why.
    await driver.requestSupport('E-701');
    const second = await escalation('the second case');
    const detail = await driver.admin(`/v1/cases/${second}`, 'GET');
    expect(detail.body.noMatchCensus).toMatchObject({ considered: 1, excluded: { resting: 1 } });
    expect(detail.body.noMatchCensus.supporters).toEqual([{ supporterId: 'carer-a', reasons: [expect.stringMatching(/^resting after a severe case until 20\d\d-/)] }]);
    const until = Date.parse(detail.body.noMatchCensus.supporters[0].reasons[0].replace('resting after a severe case until ', ''));
    expect(until).toBeGreaterThanOrEqual(acceptedAt - 60_000 + 48 * 3_600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 48 * 3_600_000);
    const explained = await driver.admin(`/v1/cases/${second}/explain?supporterId=carer-a`, 'GET', undefined, Role.ProgramDirector);
    expect(explained.body.supporter).toMatchObject({ eligible: false, excludedBy: ['resting'], excludedBecause: [expect.stringMatching(/^resting after a severe case until/)] });

    // carer-a opts in to more: the next case is offered to them, and the decision says they rest by choice.
    await driver.supporter('carer-a', { maxOpenCases: 5, acceptsCasesWhileResting: true });
    await driver.requestSupport('E-702');
    const [third] = await driver.next(AssignmentOffered, (offer) => offer.caseId !== first.payload.caseId, 'the offer after opting in');
    expect(third.payload.supporterId).toBe('carer-a');
    const thirdDetail = await driver.admin(`/v1/cases/${third.payload.caseId}`, 'GET');
    expect(thirdDetail.body.offers[0].reasons[0].reasons).toEqual(expect.arrayContaining([
      expect.stringMatching(/^opted in to cases while resting \(until /), '1 of 4 cases this month',
    ]));

    // A cap of 2 a month: carer-a holds two (one accepted, one offered), so the next case escalates, saying so.
    expect((await driver.admin('/v1/policy', 'PUT', { monthlyCaseCap: 2 })).status).toBe(200);
    await driver.requestSupport('E-703');
    const fourth = await escalation('the fourth case');
    const capped = await driver.admin(`/v1/cases/${fourth}`, 'GET');
    expect(capped.body.noMatchCensus).toMatchObject({ considered: 1, excluded: { 'monthly-cap': 1 } });
    expect(capped.body.noMatchCensus.supporters[0].reasons).toEqual([expect.stringMatching(/^monthly cap reached \(2 of 2 cases in 20\d\d-\d\d\)$/)]);
  });

  it('lists who lapses when for program staff, not for supporters', async () => {
    await driver.supporter('lapsing', { trainingExpiresOn: new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10) });
    const lapses = await driver.admin('/v1/roster/training-lapses?within=30', 'GET', undefined, Role.ProgramDirector);
    expect(lapses.status).toBe(200);
    expect(lapses.body.supporters).toEqual([{ id: 'lapsing', program: 'default', status: 'active', trainingExpiresOn: expect.any(String), daysLeft: 10 }]);
    expect((await driver.admin('/v1/roster/training-lapses?within=abc', 'GET')).status).toBe(422);
    expect((await driver.asSupporter('lapsing', '/v1/roster/training-lapses', 'GET')).status).toBe(403);
  });
});
