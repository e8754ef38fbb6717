import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { clinicianRows, freshId, jsonOf, nativeIncident, NPI, post, REF_SYSTEM } from './intake-helpers';

/**
 * What a submitter learns from intake's answer: "accepted", whatever Harbor decided for the clinicians. A
 * source system (or a referrer) must not be able to tell a clinician who opted out, one paged within the
 * cooldown, a repeat of an earlier submission or a self-referral from a fresh case by the status, the body or
 * the headers of the answer.
 */
describe('intake answers are not an oracle', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'] });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  /** Everything a caller can see of an answer, with the few values that are allowed to differ normalised. */
  async function answerOf(response: Response, ownIds: string[] = []) {
    let body = await response.text();
    for (const id of ownIds) body = body.split(id).join('<own id>');
    const headers = Object.fromEntries([...response.headers.entries()].filter(([name]) => !['date', 'etag', 'content-length', 'keep-alive', 'connection'].includes(name)));
    return { status: response.status, headers, body };
  }

  /** Sends a request with a fixed correlation id, so the echoed header is the same for every call. */
  function send(path: string, body: unknown, options: { role?: Role; contentType?: string } = {}) {
    return harbor.request('intake', path, {
      method: 'POST',
      role: options.role ?? Role.SourceSystem,
      headers: { 'content-type': options.contentType ?? 'application/json', 'x-correlation-id': 'oracle-probe' },
      body: JSON.stringify(body),
    });
  }

  async function optOut(value: string) {
    expect((await post(harbor, '/v1/opt-outs', { identifier: { system: NPI, value } }, { role: Role.ProgramAdmin })).status).toBe(204);
  }

  /** Clinicians in each state a caller might try to detect. */
  async function clinicianStates() {
    const fresh = freshId('fresh');
    const optedOut = freshId('opted-out');
    await optOut(optedOut);
    const cooling = freshId('cooling');
    expect((await post(harbor, '/v1/incidents', nativeIncident([cooling]))).status).toBe(202);
    return { fresh, optedOut, cooling };
  }

  it('native incidents: fresh, opted out, within the cooldown, a near miss and a repeat all get the same answer', async () => {
    const { fresh, optedOut, cooling } = await clinicianStates();
    const repeated = nativeIncident([freshId('repeated')]);
    expect((await send('/v1/incidents', repeated)).status).toBe(202);

    const answers = {
      fresh: await answerOf(await send('/v1/incidents', nativeIncident([fresh]))),
      optedOut: await answerOf(await send('/v1/incidents', nativeIncident([optedOut]))),
      cooling: await answerOf(await send('/v1/incidents', nativeIncident([cooling]))),
      nearMiss: await answerOf(await send('/v1/incidents', nativeIncident([freshId('near')], { harmLevel: 'none' }))),
      repeat: await answerOf(await send('/v1/incidents', repeated)),
    };
    expect(answers.fresh).toMatchObject({ status: 202, body: JSON.stringify({ status: 'accepted' }) });
    for (const answer of Object.values(answers)) expect(answer).toEqual(answers.fresh);

    // The answers were the same, and the decisions behind them were not.
    expect((await clinicianRows(harbor, NPI, fresh)).map((row) => row.decision)).toEqual(['outreach']);
    expect((await clinicianRows(harbor, NPI, optedOut)).map((row) => row.decision)).toEqual(['opted-out']);
    expect((await clinicianRows(harbor, NPI, cooling)).map((row) => row.decision)).toEqual(['outreach', 'absorbed']);
  });

  it('claim notices: the same answer for every clinician state and for a repeat', async () => {
    const { fresh, optedOut, cooling } = await clinicianStates();
    const notice = (value: string) => ({
      source: 'risk-mgmt', noticeId: freshId('CLM'), receivedAt: '2026-11-25T09:00:00Z', kind: 'lawsuit',
      namedClinicians: [{ identifier: { system: NPI, value } }], facility: 'general',
    });
    const repeated = notice(freshId('repeated'));
    await send('/v1/lawsuits', repeated);
    const answers = [
      await answerOf(await send('/v1/lawsuits', notice(fresh))),
      await answerOf(await send('/v1/lawsuits', notice(optedOut))),
      await answerOf(await send('/v1/lawsuits', notice(cooling))),
      await answerOf(await send('/v1/lawsuits', repeated)),
    ];
    expect(answers[0]).toMatchObject({ status: 202, body: JSON.stringify({ status: 'accepted' }) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  it('FHIR AdverseEvent (JSON and XML): the same OperationOutcome whatever was decided, triage included', async () => {
    const { fresh, optedOut, cooling } = await clinicianStates();
    const adverseEvent = (contributor: Record<string, unknown>, id = freshId('ae')) => ({
      resourceType: 'AdverseEvent', id, meta: { source: 'ehr' }, actuality: 'actual', date: '2026-11-20T08:00:00Z',
      category: [{ coding: [{ code: 'wrong-dose' }] }], severity: { coding: [{ code: 'severe' }] }, contributor: [contributor],
    });
    const byNpi = (value: string) => ({ identifier: { system: NPI, value } });
    const repeatedId = freshId('ae');
    const fhir = { contentType: 'application/fhir+json' };
    await send('/fhir/AdverseEvent', adverseEvent(byNpi(freshId('repeated')), repeatedId), fhir);
    const answers = [
      await answerOf(await send('/fhir/AdverseEvent', adverseEvent(byNpi(fresh)), fhir)),
      await answerOf(await send('/fhir/AdverseEvent', adverseEvent(byNpi(optedOut)), fhir)),
      await answerOf(await send('/fhir/AdverseEvent', adverseEvent(byNpi(cooling)), fhir)),
      await answerOf(await send('/fhir/AdverseEvent', adverseEvent({ display: 'the night nurse' }), fhir)),
      await answerOf(await send('/fhir/AdverseEvent', { ...adverseEvent(byNpi(freshId('potential'))), actuality: 'potential' }, fhir)),
    ];
    expect(answers[0].status).toBe(202);
    expect(JSON.parse(answers[0].body)).toEqual({ resourceType: 'OperationOutcome', issue: [{ severity: 'information', code: 'informational', diagnostics: 'AdverseEvent accepted' }] });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // A repeat, sent again (the first send above made it a repeat).
    const repeated = adverseEvent(byNpi(freshId('ignored')), repeatedId);
    expect(await answerOf(await send('/fhir/AdverseEvent', repeated, fhir))).toEqual(answers[0]);

    const xml = (reference: string) => `<AdverseEvent xmlns="http://hl7.org/fhir"><id value="${freshId('xml')}"/><actuality value="actual"/>
      <category><coding><code value="wrong-dose"/></coding></category><date value="2026-11-20T08:00:00Z"/>
      <severity><coding><code value="severe"/></coding></severity><contributor><reference value="${reference}"/></contributor></AdverseEvent>`;
    const sendXml = (body: string) =>
      harbor.request('intake', '/fhir/AdverseEvent', {
        method: 'POST', role: Role.SourceSystem, headers: { 'content-type': 'application/fhir+xml', 'x-correlation-id': 'oracle-probe' }, body,
      });
    const coolingByReference = freshId('cooling-ref');
    expect((await sendXml(xml(`Practitioner/${coolingByReference}`))).status).toBe(202);
    expect(await answerOf(await sendXml(xml(`Practitioner/${freshId('fresh-ref')}`)))).toEqual(answers[0]);
    expect(await answerOf(await sendXml(xml(`Practitioner/${coolingByReference}`)))).toEqual(answers[0]);
    expect((await clinicianRows(harbor, REF_SYSTEM, coolingByReference)).map((row) => row.decision)).toEqual(['outreach', 'absorbed']);
  });

  it('referrals: self and colleague referrals of opted-out, cooling and fresh clinicians, and repeats, answer alike', async () => {
    const { fresh, optedOut, cooling } = await clinicianStates();
    let next = 0;
    const referral = (value: string, referredBy: string, referralId = `ref-${String(++next).padStart(4, '0')}-${process.pid}`) => ({
      referredBy, clinician: { system: NPI, value }, facility: 'general', referralId,
    });
    const answers = [];
    for (const role of [Role.SourceSystem, Role.ProgramAdmin]) {
      for (const value of [fresh, optedOut, cooling]) {
        for (const referredBy of ['self', 'colleague', 'manager']) {
          const body = referral(value, referredBy);
          const first = await send('/v1/referrals', body, { role });
          answers.push(await answerOf(first, [body.referralId]));
          // The same referral again (a retry): recorded once, answered the same.
          answers.push(await answerOf(await send('/v1/referrals', body, { role }), [body.referralId]));
        }
      }
    }
    expect(answers[0]).toMatchObject({ status: 202, body: JSON.stringify({ referralId: '<own id>', status: 'accepted' }) });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    // A self-referral overrode the opt-out; the colleague's did not. Nobody could tell from the answers.
    expect((await clinicianRows(harbor, NPI, optedOut)).map((row) => row.decision)).toEqual(expect.arrayContaining(['opted-out', 'outreach']));
  });

  it('a referral without an id of its own gets a new id each time and nothing else', async () => {
    const value = freshId('no-id');
    await optOut(value);
    const first = await jsonOf(await send('/v1/referrals', { referredBy: 'colleague', clinician: { system: NPI, value }, facility: 'general' }));
    const second = await jsonOf(await send('/v1/referrals', { referredBy: 'self', clinician: { system: NPI, value }, facility: 'general' }));
    expect(Object.keys(first).sort()).toEqual(['referralId', 'status']);
    expect(Object.keys(second).sort()).toEqual(['referralId', 'status']);
    expect(first.referralId).not.toBe(second.referralId);
  });
});
