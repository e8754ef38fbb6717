import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentOffered, ChannelAddressV1 } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { decide, decisionRecord, SupporterCandidate } from '../policy/matching-decision';
import { MatchingPolicy } from '../policy/policy';
import { ProgramPolicies } from '../policy/program-policies';
import { CaseRow, caseContext, changeCaseStatus } from './case-records';
import { EscalateCase } from './escalate-case.usecase';
import { loadCandidates, loadPool } from './candidate-pool';

/** A case's offers could not be placed because every eligible supporter was locked by concurrent decisions: retry. */
export class SupportersBusyError extends Error {
  constructor() {
    super('every eligible supporter is held by a concurrent decision');
    this.name = 'SupportersBusyError';
  }
}

@Injectable()
export class OfferNextSupporter {
  constructor(
    private readonly outbox: OutboxWriter,
    private readonly policies: ProgramPolicies,
    private readonly escalateCase: EscalateCase,
  ) {}

  /**
   * Offers the (locked) case to the best eligible supporter, or escalates when nobody is left to ask.
   * `policy` is the case's program policy when the caller has just read it.
   */
  async execute(manager: EntityManager, kase: CaseRow, policy?: MatchingPolicy): Promise<void> {
    policy ??= await this.policies.policyOf(manager, kase.program);
    const previous: { supporter_id: string }[] = await manager.query(
      `SELECT "supporter_id" FROM "matching"."assignments" WHERE "case_id" = $1`,
      [kase.id],
    );
    const attempt = previous.length + 1;
    if (attempt > policy.maxOffers) return this.escalateCase.execute(manager, kase, 'offer-limit');

    const now = new Date();
    const context = await caseContext(manager, kase, previous.map((row) => row.supporter_id));
    const candidates = await loadCandidates(manager, kase.program, context, policy, now);
    const decision = decide(candidates, context, policy, now);
    let contended = false;
    for (const { supporter } of decision.ranked) {
      const channels = await this.reserve(manager, supporter.id);
      if (!channels) {
        contended = true; // held or filled by a concurrent decision since it was read
        continue;
      }
      await this.offer(manager, kase, supporter, channels, attempt, policy, decisionRecord(decision, supporter.id));
      return;
    }
    if (!contended && decision.ranked.length === 0) {
      // Nobody eligible: count, over the program's whole pool, which rules excluded whom, for staff to see.
      const census = decide(await loadPool(manager, kase.program), context, policy, now);
      await manager.query(`UPDATE "matching"."cases" SET "census" = $2 WHERE "id" = $1`, [
        kase.id, JSON.stringify({ at: now.toISOString(), considered: census.considered, excluded: census.excluded }),
      ]);
    }
    if (contended) {
      // Everyone eligible was held by concurrent decisions: wait for the best one rather than escalate.
      for (const { supporter } of decision.ranked) {
        const channels = await this.reserve(manager, supporter.id, true);
        if (channels) return this.offer(manager, kase, supporter, channels, attempt, policy, decisionRecord(decision, supporter.id));
      }
      // All of them filled up meanwhile: decide again on fresh rows.
      throw new SupportersBusyError();
    }
    await this.escalateCase.execute(manager, kase, 'no-eligible-supporter');
  }

  private async offer(
    manager: EntityManager,
    kase: CaseRow,
    supporter: SupporterCandidate,
    channels: ChannelAddressV1[],
    attempt: number,
    policy: MatchingPolicy,
    record: ReturnType<typeof decisionRecord>,
  ): Promise<void> {
    const assignmentId = randomUUID();
    // The earliest the offer can expire: the ack deadline itself starts when the page reaches a provider
    // (AssignmentPaged, RecordResponse.paged), so a provider outage never runs the clock down.
    const respondBy = new Date(Date.now() + policy.ackTimeoutSeconds * 1000);
    await manager.query(
      `INSERT INTO "matching"."assignments" ("id", "case_id", "supporter_id", "attempt", "status", "reasons", "considered", "excluded", "respond_by", "ack_seconds")
       VALUES ($1, $2, $3, $4, 'offered', $5, $6, $7, $8, $9)`,
      [assignmentId, kase.id, supporter.id, attempt, JSON.stringify(record.reasons), record.considered, JSON.stringify(record.excluded), respondBy,
        policy.ackTimeoutSeconds],
    );
    await this.outbox.enqueue(manager, AssignmentOffered, {
      assignmentId,
      caseId: kase.id,
      attempt,
      supporterId: supporter.id,
      channels,
      respondBy: respondBy.toISOString(),
    });
    await changeCaseStatus(manager, this.outbox, kase, 'offered', { attempt, supporterId: supporter.id });
  }

  /**
   * Takes one unit of the supporter's capacity atomically. A supporter row another decision holds right
   * now is skipped (SKIP LOCKED) rather than waited for, so concurrent cases spread over the roster
   * instead of queueing behind the top-ranked supporter; the capacity check is re-done under the lock.
   * With `wait`, the lock is waited for (used only when every eligible supporter was skipped).
   */
  private async reserve(manager: EntityManager, supporterId: string, wait = false): Promise<ChannelAddressV1[] | undefined> {
    const [row] = await manager.query(
      // Wrapped in a CTE so the driver returns plain rows (a bare UPDATE returns [rows, count]).
      `WITH candidate AS (
         SELECT "id" FROM "matching"."supporters"
         WHERE "id" = $1 AND "open_cases" < "max_open_cases" AND "status" = 'active' AND NOT "opted_out"
         FOR UPDATE${wait ? '' : ' SKIP LOCKED'}
       ), reserved AS (
         UPDATE "matching"."supporters" s SET "open_cases" = s."open_cases" + 1, "last_assigned_at" = now()
         FROM candidate WHERE s."id" = candidate."id" RETURNING s."channels"
       ) SELECT * FROM reserved`,
      [supporterId],
    );
    return row?.channels;
  }
}
