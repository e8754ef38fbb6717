import { DataSource } from 'typeorm';
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
import { WithdrawOrFlagInvolvedOffers } from '../../../apps/matching/src/cases/withdraw-or-flag-involved-offers.usecase';
import { GroupDebriefStore } from '../../../apps/matching/src/debriefs/group-debrief-store';
import { OfferGroupDebrief } from '../../../apps/matching/src/debriefs/offer-group-debrief.usecase';
import { MatchingEnv } from '../../../apps/matching/src/matching.env';
import { defaultPolicy, PolicyDefaults } from '../../../apps/matching/src/matching.settings';
import { ProgramPolicies } from '../../../apps/matching/src/policy/program-policies';
import { ProgramStaffStore } from '../../../apps/matching/src/roster/program-staff-store';
import { SupporterStore } from '../../../apps/matching/src/roster/supporter-store';

/** OpenCase and the stores it writes through, wired as MatchingModule wires them, without Nest or Kafka. */
export function wireOpenCase(
  db: DataSource,
  env: MatchingEnv,
  name: string,
): { openCase: OpenCase; supporters: SupporterStore; assignments: AssignmentStore; deadlines: DeadlineStore } {
  const logger = createLogger(name, 'silent');
  const outbox = new OutboxWriter('matching', 'harbor/matching', new TopicNames(''));
  const policies = new ProgramPolicies(new PolicyDefaults(defaultPolicy(env)), db);
  const cases = new CaseStore();
  const assignments = new AssignmentStore();
  const deadlines = new DeadlineStore(db);
  const supporters = new SupporterStore(db);
  const records = new CaseRecords(outbox, cases, assignments, supporters);
  const escalate = new EscalateCase(outbox, policies, logger, new ProgramStaffStore(db), records, cases, assignments, deadlines);
  const offer = new OfferNextSupporter(policies, escalate, records, cases, assignments, supporters);
  const groupDebriefs = new OfferGroupDebrief(outbox, policies, new ProgramStaffStore(db), new GroupDebriefStore(), logger);
  const withdraw = new WithdrawOrFlagInvolvedOffers(cases, assignments, records, offer, escalate, logger);
  return { openCase: new OpenCase(policies, offer, escalate, new AbsorptionReport(logger), records, cases, deadlines, groupDebriefs, withdraw), supporters, assignments, deadlines };
}
