import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decide, exclusionDetailsOf, exclusionsOf } from '../policy/matching-decision';
import { ProgramPolicies } from '../policy/program-policies';
import { SupporterStore } from '../roster/supporter-store';
import { AssignmentStore } from './assignment-store';
import { CaseRecords } from './case-records';
import { CaseStore } from './case-store';

/** Staff's "why": the program's policy applied now to the case and every supporter of its program. */
@Injectable()
export class ExplainCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly policies: ProgramPolicies,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly supporters: SupporterStore,
  ) {}

  async execute(caseId: string, supporterId?: string) {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const kase = await this.cases.load(manager, caseId);
      if (!kase) throw new NotFoundException(`No case ${caseId}.`);
      const offered = await this.assignments.supportersOffered(manager, caseId);
      const context = await this.records.context(manager, kase, offered);
      const policy = await this.policies.policyOf(manager, kase.program);
      const pool = await this.supporters.pool(manager, kase.program);
      const now = new Date();
      const decision = decide(pool, context, policy, now);
      const supporter = supporterId ? pool.find((candidate) => candidate.id === supporterId) : undefined;
      return {
        caseId,
        program: kase.program,
        at: now.toISOString(),
        policy,
        considered: decision.considered,
        eligible: decision.ranked.length,
        excluded: decision.excluded,
        top: decision.ranked.slice(0, 5).map((entry) => ({ supporterId: entry.supporter.id, rank: entry.rank, reasons: entry.reasons })),
        supporter: supporterId
          ? supporter
            ? {
                supporterId,
                eligible: exclusionsOf(supporter, context, policy, now).length === 0,
                excludedBy: exclusionsOf(supporter, context, policy, now),
                excludedBecause: exclusionDetailsOf(supporter, context, policy, now),
                rank: decision.ranked.find((entry) => entry.supporter.id === supporterId)?.rank ?? null,
              }
            : { supporterId, inProgram: false }
          : undefined,
      };
    });
  }
}
