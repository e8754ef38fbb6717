import { Role } from '@harbor/auth';
import { AssignmentOffered, CaseLifecycle } from '@harbor/contracts';
import { HarborHarness } from '../support/harbor-harness';
import { MatchingDriver } from './matching-driver';

/**
 * The end-of-year recognition list through real Kafka and Postgres: two supporters each accept a case and reach
 * their colleague; only the one who consented on the roster is on the director's list, with the year's counts, by
 * name and without any id; withdrawing the consent takes them off; staff other than the director are refused.
 */
describe('matching: recognition with consent', () => {
  let harbor: HarborHarness;
  let driver: MatchingDriver;
  const year = new Date().getUTCFullYear();
  const program = 'celebration';

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['matching'], serviceEnv: { matching: { MATCHING_SCHEDULER_TICK_MS: '200' } } });
    driver = new MatchingDriver(harbor);
    await driver.start();
  });

  afterAll(async () => {
    await driver?.stop();
    await harbor?.stop();
  });

  const director = (path: string) => driver.admin(path, 'GET', undefined, Role.ProgramDirector);

  /** A case for the clinician, offered to the one supporter who can take it, accepted and reached. */
  async function supportedCase(clinician: string, supporterId: string): Promise<void> {
    await driver.clinician(clinician);
    await driver.requestSupport(clinician, { facility: 'celebration-hospital' });
    const [offer] = await driver.next(AssignmentOffered, (payload) => payload.supporterId === supporterId, `the offer to ${supporterId}`);
    await driver.respond(offer, 'accepted');
    await driver.next(CaseLifecycle, (change) => change.caseId === offer.payload.caseId && change.status === 'accepted', 'the acceptance');
    const outcome = await driver.asSupporter(supporterId, `/v1/cases/${offer.payload.caseId}/outcome`, 'POST', { contactMade: true });
    expect(outcome.status).toBeLessThan(300);
  }

  it('lists the consenting supporter with the year\'s counts and never the one who did not consent', async () => {
    expect((await driver.admin('/v1/policy', 'PUT', { program, facilities: ['celebration-hospital'] })).status).toBe(200);
    await driver.supporter('celebrated', { program, displayName: 'Dana Celebrated', recognitionConsent: true });
    await supportedCase('E-900', 'celebrated');
    // The second supporter takes the next case while the first is paused.
    expect((await driver.admin('/v1/roster/supporters/celebrated/pause', 'POST')).status).toBe(200);
    await driver.supporter('private', { program, displayName: 'Pat Private' });
    await supportedCase('E-901', 'private');

    const list = await director(`/v1/roster/recognition?year=${year}&program=${program}`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ year, program, supporters: [{ displayName: 'Dana Celebrated', program, casesAccepted: 1, colleaguesReached: 1 }] });
    expect(JSON.stringify(list.body)).not.toMatch(/Pat Private|private|celebrated"|E-90/);
    expect((await director(`/v1/roster/recognition?year=${year - 1}&program=${program}`)).body.supporters).toEqual([
      { displayName: 'Dana Celebrated', program, casesAccepted: 0, colleaguesReached: 0 },
    ]);
    expect((await director(`/v1/roster/supporters/celebrated`)).body).toMatchObject({ recognitionConsent: true, recognitionConsentAt: expect.any(String) });

    // Consent withdrawn (a replace without the flag): off the list.
    await driver.supporter('celebrated', { program, displayName: 'Dana Celebrated', status: 'paused' });
    expect((await director(`/v1/roster/recognition?year=${year}&program=${program}`)).body.supporters).toEqual([]);
  });

  it('is for the program director only, and names a bad year', async () => {
    expect((await driver.admin(`/v1/roster/recognition?year=${year}`, 'GET', undefined, Role.ProgramAdmin)).status).toBe(403);
    expect((await driver.asSupporter('celebrated', `/v1/roster/recognition?year=${year}`, 'GET')).status).toBe(403);
    const bad = await director('/v1/roster/recognition?year=1850');
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('year');
  });
});
