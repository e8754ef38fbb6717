import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { decide, exclusionsOf } from '../policy/matching-decision';
import { ProgramPolicies } from '../policy/program-policies';
import { loadPool } from './candidate-pool';
import { caseContext, CaseRow } from './case-records';

/** Staff's "why": the program's policy applied now to the case and every supporter of its program. */
@Injectable()
export class ExplainCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly policies: ProgramPolicies,
  ) {}

  async execute(caseId: string, supporterId?: string) {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [kase]: CaseRow[] = await manager.query(
        `SELECT c.*, cl."profession" AS clinician_profession, cl."department" AS clinician_department, cl."languages" AS clinician_languages
         FROM "matching"."cases" c LEFT JOIN "matching"."clinicians" cl ON cl."id" = c."clinician_id" WHERE c."id" = $1`,
        [caseId],
      );
      if (!kase) throw new NotFoundException(`No case ${caseId}.`);
      const offered: { supporter_id: string }[] = await manager.query(`SELECT "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1`, [caseId]);
      const context = await caseContext(manager, kase, offered.map((row) => row.supporter_id));
      const policy = await this.policies.policyOf(manager, kase.program);
      const pool = await loadPool(manager, kase.program);
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
                rank: decision.ranked.find((entry) => entry.supporter.id === supporterId)?.rank ?? null,
              }
            : { supporterId, inProgram: false }
          : undefined,
      };
    });
  }
}
