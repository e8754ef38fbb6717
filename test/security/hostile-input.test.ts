import { randomUUID } from 'node:crypto';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import {
  Answer, BAD_DATES, consumedTypes, hostileRecords, publishAndSettle, publishRecord, BAD_STRINGS, callRoute, deeplyNested, JsonPath, namesTheProblem, PROTOTYPE_KEYS, routesUnderTest, ServedRoute, valueAt, valuePaths, withValue,
} from './hostile-requests';

/**
 * Each class of bad input issue #10 found, sent to every route of every service that reads it: every one is
 * refused with a 4xx naming the problem, none is a 5xx. (input-fuzz.test.ts throws random mixtures at the same
 * routes and at every consumed topic.)
 */
describe('hostile input: each finding of issue #10 on every route', () => {
  let harbor: HarborHarness;
  let routes: ServedRoute[];

  beforeAll(async () => {
    harbor = await HarborHarness.start();
    ({ routes } = routesUnderTest(harbor));
    // The supporter the matching seeds name exists, so their bad values reach the code past the lookup.
    const supporter = routes.find((route) => route.route === 'POST /v1/roster/supporters')!;
    expect((await callRoute(harbor, supporter, { body: supporter.seed().body })).status).toBeLessThan(300);
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  type Wrong = { route: string; what: string; status: number; body: string };
  const wrongs: Wrong[] = [];
  const judge = (route: ServedRoute, what: string, answer: Answer, { mustRefuse }: { mustRefuse: boolean }) => {
    const refusedWithReason = answer.status >= 400 && answer.status < 500 && ([401, 403, 404].includes(answer.status) || namesTheProblem(answer));
    const ok = answer.status < 500 && (mustRefuse ? refusedWithReason : answer.status < 300 || refusedWithReason);
    if (!ok) wrongs.push({ route: `${route.service} ${route.route}`, what, status: answer.status, body: answer.body.slice(0, 300) });
  };
  const report = () => {
    const found = wrongs.splice(0);
    expect(found).toEqual([]);
  };

  // FHIR's own grammar allows a year or a month where a date is expected: intake reads them as the period's start.
  const FHIR_PARTIAL_DATE = /^\d{4}(-\d{2})?$/;
  const isDate = (value: unknown) => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value);

  it('dates outside RFC 3339 are refused naming the field, in bodies and in query parameters', async () => {
    let dateFields = 0;
    for (const route of routes) {
      const seed = route.seed();
      for (const path of valuePaths(seed.body).filter((candidate) => isDate(valueAt(seed.body, candidate)))) {
        dateFields++;
        for (const date of BAD_DATES.filter((candidate) => !route.path.startsWith('/fhir') || !FHIR_PARTIAL_DATE.test(candidate))) {
          judge(route, `${path.join('.')}=${date}`, await callRoute(harbor, route, { ...seed, body: withValue(route.seed().body, path, date) }), { mustRefuse: true });
        }
      }
      for (const [name] of Object.entries(seed.query ?? {}).filter(([, value]) => isDate(value))) {
        dateFields++;
        for (const date of BAD_DATES) judge(route, `?${name}=${date}`, await callRoute(harbor, route, { ...seed, query: { ...seed.query, [name]: date } }), { mustRefuse: true });
      }
    }
    expect(dateFields).toBeGreaterThanOrEqual(8);
    report();
  });

  it('NUL characters, unpaired surrogates, nulls and prototype keys in any field are refused naming the field', async () => {
    for (const route of routes) {
      const seed = route.seed();
      const paths: JsonPath[] = typeof seed.body === 'object' ? valuePaths(seed.body) : [];
      for (const path of paths) {
        for (const bad of [...BAD_STRINGS, null, ...PROTOTYPE_KEYS]) {
          const body = withValue(route.seed().body, path, bad);
          const answer = await callRoute(harbor, route, { ...seed, body });
          // A null in an optional field may be accepted as "absent"; a bad string or a prototype key never.
          judge(route, `${path.join('.')}=${JSON.stringify(bad)}`, answer, { mustRefuse: bad !== null });
        }
      }
      for (const name of Object.keys(seed.query ?? {})) {
        // URLs carry UTF-8: an unpaired surrogate arrives as U+FFFD, which is fine; NUL (%00) arrives as it is.
        for (const bad of BAD_STRINGS.filter((text) => !/[\uD800-\uDFFF]/.test(text))) judge(route, `?${name}=${JSON.stringify(bad)}`, await callRoute(harbor, route, { ...seed, query: { ...seed.query, [name]: bad } }), { mustRefuse: true });
      }
    }
    report();
  });

  it('documents nested thousands deep, or too large, are refused before parsing work on every route with a body', async () => {
    for (const route of routes.filter((candidate) => candidate.method !== 'GET')) {
      const seed = route.seed();
      const contentType = seed.contentType?.includes('json') ? seed.contentType : 'application/json';
      for (const [open, close] of [['[', ']'], ['{"a":', '}']]) {
        const answer = await callRoute(harbor, route, { ...seed, contentType, rawBody: deeplyNested(3000, open, close) });
        judge(route, `3000 deep ${open}`, answer, { mustRefuse: true });
      }
      judge(route, 'wrapped 3000 deep', await callRoute(harbor, route, { ...seed, contentType, rawBody: `{"x":${deeplyNested(3000)}}` }), { mustRefuse: true });
      judge(route, '2 MB body', await callRoute(harbor, route, { ...seed, contentType, rawBody: `{"x":"${'a'.repeat(2_000_000)}"}` }), { mustRefuse: true });
    }
    report();
  });

  it('a crafted /v1/cases cursor is refused naming the cursor', async () => {
    const cases = routes.find((route) => route.route === 'GET /v1/cases')!;
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      cursor(['2026', '------------------------------------']), cursor(['+275760-09-13T00:00:00Z', randomUUID()]), cursor(['2026-W48-4', randomUUID()]),
      cursor([{}, randomUUID()]), cursor(['2026-11-26T10:00:00Z', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz']), 'not base64 !', cursor('x'), cursor(null), '%00',
    ]) {
      const answer = await callRoute(harbor, cases, { query: { cursor: bad } });
      judge(cases, `cursor=${bad}`, answer, { mustRefuse: true });
      if (answer.status < 500) expect(answer.body).toContain('cursor');
    }
    report();
  });

  it('Kafka: on every consumed type each bad record is dead-lettered at once with its reason, and the valid record after them is processed', async () => {
    const { types, unseeded } = consumedTypes(harbor);
    expect(unseeded).toEqual([]);
    expect(types.length).toBeGreaterThanOrEqual(10);
    const started = Date.now();
    const batches = types.map((consumed) => ({ consumed, records: hostileRecords(consumed.seed) }));
    const wrongs = await publishAndSettle(harbor, batches, 150_000);
    console.log(`${batches.reduce((sum, batch) => sum + batch.records.length, 0)} records settled in ${Date.now() - started} ms`);
    expect(wrongs).toEqual([]);
  }, 240_000);

  it('a correlation id from a Kafka header is kept only when safe: the events a record causes carry a fresh one otherwise', async () => {
    const incidents = consumedTypes(harbor).types.find((consumed) => consumed.type === 'org.harbor.incident.reported.v1')!;
    const incident = incidents.seed() as { involvedClinicians: { identifier: { value: string } }[] };
    const bad = `<script>${'x'.repeat(100)}</script>`;
    await publishRecord(harbor, incidents, JSON.stringify(incident), bad);
    const clinician = incident.involvedClinicians[0].identifier.value;
    const row = await waitFor(async () => {
      const { rows } = await harbor.db.query(`SELECT "headers" FROM "intake"."outbox" WHERE "payload"->'clinician'->>'value' = $1`, [clinician]);
      return rows[0];
    }, 'the support request the incident caused');
    expect(row.headers.correlation_id).not.toBe(bad);
    expect(row.headers.correlation_id).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  });

  it('x-correlation-id is echoed only when it is short and safe; otherwise a fresh one is used', async () => {
    const health = { service: 'matching', route: 'GET /health/live', method: 'GET', path: '/health/live', seed: () => ({}) } as ServedRoute;
    const good = 'req-1234_abc.DEF:9';
    expect((await callRoute(harbor, health, { headers: { 'x-correlation-id': good } })).headers.get('x-correlation-id')).toBe(good);
    for (const bad of ['a'.repeat(200), '<script>alert(1)</script>', 'has space', '"quoted"', 'tab\there', '{"json":1}', 'ünïcode']) {
      const echoed = (await callRoute(harbor, health, { headers: { 'x-correlation-id': bad } }).catch(() => undefined))?.headers.get('x-correlation-id');
      if (echoed === undefined) continue; // fetch refuses to send some of these at all
      expect(echoed).not.toBe(bad);
      expect(echoed).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    }
  });
});
