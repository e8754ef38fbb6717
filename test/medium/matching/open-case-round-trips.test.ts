import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { SupportRequestedV1 } from '@harbor/contracts';
import { OutboxWriter, TopicNames } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { AbsorptionReport } from '../../../apps/matching/src/cases/absorption-report';
import { AssignmentStore } from '../../../apps/matching/src/cases/assignment-store';
import { CaseRecords } from '../../../apps/matching/src/cases/case-records';
import { CaseStore } from '../../../apps/matching/src/cases/case-store';
import { DeadlineStore } from '../../../apps/matching/src/cases/deadline-store';
import { EscalateCase } from '../../../apps/matching/src/cases/escalate-case.usecase';
import { OfferNextSupporter } from '../../../apps/matching/src/cases/offer-next-supporter.usecase';
import { OpenCase } from '../../../apps/matching/src/cases/open-case.usecase';
import { GroupDebriefStore } from '../../../apps/matching/src/debriefs/group-debrief-store';
import { OfferGroupDebrief } from '../../../apps/matching/src/debriefs/offer-group-debrief.usecase';
import { saveClinician } from '../../../apps/matching/src/directory/directory-store';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { defaultPolicy, PolicyDefaults } from '../../../apps/matching/src/matching.settings';
import { MATCHING_MIGRATIONS } from '../../../apps/matching/src/migrations';
import { ProgramPolicies } from '../../../apps/matching/src/policy/program-policies';
import { ProgramStaffStore } from '../../../apps/matching/src/roster/program-staff-store';
import { SupporterStore } from '../../../apps/matching/src/roster/supporter-store';
import { openServiceDatabase, ServiceDatabase } from '../../support/service-database';

const EMPLOYEE = 'urn:test:employee';

/**
 * What one opened and offered case costs in statements, in a transaction that applies several (as a consumer's
 * chunk does): every statement delays the chunk's commit and so every event the chunk publishes (issue #16). The
 * figures are this design's (docs/matching.md, "Round trips per opened case"); more statements fail here.
 */
describe('opening a case: statements per case (Postgres only)', () => {
  let database: ServiceDatabase<MatchingEnv>;
  let openCase: OpenCase;

  beforeAll(async () => {
    database = await openServiceDatabase(MatchingEnv, 'matching', MATCHING_MIGRATIONS);
    const db = database.dataSource;
    const logger = createLogger('matching-round-trips', 'silent');
    const outbox = new OutboxWriter('matching', 'harbor/matching', new TopicNames(''));
    const policies = new ProgramPolicies(new PolicyDefaults(defaultPolicy(database.env)), db);
    const cases = new CaseStore();
    const assignments = new AssignmentStore();
    const deadlines = new DeadlineStore(db);
    const supporters = new SupporterStore(db);
    const records = new CaseRecords(outbox, cases, assignments, supporters);
    const escalate = new EscalateCase(outbox, policies, logger, new ProgramStaffStore(db), records, cases, assignments, deadlines);
    const offer = new OfferNextSupporter(policies, escalate, records, cases, assignments, supporters);
    const groupDebriefs = new OfferGroupDebrief(outbox, policies, new ProgramStaffStore(db), new GroupDebriefStore(), logger);
    openCase = new OpenCase(policies, offer, escalate, new AbsorptionReport(logger), records, cases, deadlines, groupDebriefs);

    await db.transaction(async (manager) => {
      for (let index = 0; index < 4; index++) {
        await supporters.save(manager, {
          id: `rt-${index}`, displayName: `Supporter ${index}`, profession: 'Nurse', department: 'ICU', facility: 'north', status: 'active',
          trainingExpiresOn: '2099-12-31', maxOpenCases: 10, channels: [{ kind: 'sms', address: '+15550000001' }], program: 'default',
          languages: ['en'], timeZone: 'UTC', optedOut: false,
        });
      }
      for (let index = 0; index < 3; index++) {
        await saveClinician(manager, randomUUID(), { displayName: `Dr ${index}`, profession: 'physician' }, [{ system: EMPLOYEE, value: `RT-${index}` }]);
      }
    });
  });

  afterAll(async () => {
    await database?.close();
  });

  const request = (clinician: string): SupportRequestedV1 => ({
    requestId: randomUUID(),
    clinician: { system: EMPLOYEE, value: clinician },
    trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
    facility: 'north',
    requestedAt: new Date().toISOString(),
  } as SupportRequestedV1);

  /** Runs `work` in one transaction and returns the statements it sent (BEGIN and COMMIT left out). */
  async function statementsOf(work: (manager: EntityManager) => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    await database.dataSource.transaction(async (manager) => {
      const query = manager.query.bind(manager);
      manager.query = ((sql: string, parameters?: unknown[]) => {
        sent.push(sql.replace(/\s+/g, ' ').trim());
        return query(sql, parameters);
      }) as typeof manager.query;
      await work(manager);
    });
    return sent;
  }

  it('opens and offers a case in 13 statements, 12 for the next case of the same transaction and facility (18 each before)', async () => {
    const opened: (string | undefined)[] = [];
    const sent = await statementsOf(async (manager) => {
      opened.push(await openCase.execute(manager, request('RT-0')));
      opened.push(await openCase.execute(manager, request('RT-1')));
    });
    expect(opened.every((id) => id !== undefined)).toBe(true);
    const offers = await database.dataSource.query(`SELECT count(*)::int AS n FROM "matching"."assignments" WHERE "case_id" = ANY($1::uuid[])`, [opened]);
    expect(offers[0].n).toBe(2);
    // The program and its policy are read by the first case only; no case is read back after its INSERT.
    expect(sent.filter((sql) => sql.includes('"program_policies"'))).toHaveLength(1);
    expect(sent.filter((sql) => /^SELECT c\."id", c\."request_id"/.test(sql))).toHaveLength(0);
    // The offer and the case's "offered" lifecycle event go to the outbox in one statement.
    expect(sent.filter((sql) => sql.startsWith('INSERT INTO "matching"."outbox"'))).toHaveLength(4);
    expect(sent).toHaveLength(13 + 12);
  });

  it('still finds a redelivered request handled, in the same statement that looks for an open case', async () => {
    const repeated = request('RT-2');
    await database.dataSource.transaction((manager) => openCase.execute(manager, repeated));
    let again: string | undefined = 'not run';
    const sent = await statementsOf(async (manager) => {
      again = await openCase.execute(manager, repeated);
    });
    expect(again).toBeUndefined();
    // Identifier, clinician lock, "handled before / open case": nothing written.
    expect(sent).toHaveLength(3);
    expect(sent.some((sql) => /^(INSERT|UPDATE|DELETE)/.test(sql))).toBe(false);
  });
});
