import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AssignmentOffered, ChannelAddressV1 } from '@harbor/contracts';
import { outbound } from '@harbor/messaging';
import { afterRollback } from '@harbor/persistence';
import { censusOf, decide, decisionRecord, SupporterCandidate } from '../policy/matching-decision';
import { MatchingPolicy } from '../policy/policy';
import { ProgramPolicies } from '../policy/program-policies';
import { SupporterStore } from '../roster/supporter-store';
import { AssignmentStore } from './assignment-store';
import { careFilter, loadCandidates } from './candidate-pool';
import { CaseRecords } from './case-records';
import { CaseStore, MatchingCase } from './case-store';
import { EscalateCase } from './escalate-case.usecase';

/** Program ids AssignmentOffered carries (its `programId` pattern). */
const OFFERED_PROGRAM_ID = /^[a-z0-9][a-z0-9-]{0,49}$/;

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
    private readonly policies: ProgramPolicies,
    private readonly escalateCase: EscalateCase,
    private readonly records: CaseRecords,
    private readonly cases: CaseStore,
    private readonly assignments: AssignmentStore,
    private readonly supporters: SupporterStore,
  ) {}

  /**
   * Offers the (locked) case to the best eligible supporter, or escalates when nobody is left to ask. What the
   * caller has just read need not be read again (`known`): the case's program policy; the supporters the case was
   * offered to so far (none, for a case it has just opened); the event's other clinicians.
   */
  async execute(manager: EntityManager, kase: MatchingCase, known: { policy?: MatchingPolicy; offeredBefore?: string[]; eventClinicianIds?: string[] } = {}): Promise<void> {
    const policy = known.policy ?? (await this.policies.policyOf(manager, kase.program));
    const previous = known.offeredBefore ?? (await this.assignments.supportersOffered(manager, kase.id));
    const attempt = previous.length + 1;
    if (attempt > policy.maxOffers) return this.escalateCase.execute(manager, kase, 'offer-limit');

    const now = new Date();
    const context = await this.records.context(manager, kase, previous, known.eventClinicianIds);
    // The rest period and the monthly cap are re-checked under the supporter's lock, and the offer is counted.
    const care = careFilter(policy, now);
    const decision = decide(await loadCandidates(this.supporters, manager, kase.program, context, policy, now), context, policy, now);
    const ranked = decision.ranked.map(({ supporter }) => supporter.id);
    const chosen = (id: string) => decision.ranked.find((entry) => entry.supporter.id === id)!.supporter;
    // One statement tries the ranking in order and takes the first supporter with room whom no concurrent decision
    // holds, committed at once (a hold) so the row is not locked while the rest of this transaction, or batch, runs
    // (docs/matching.md, "Concurrent decisions"). The offer's id is the hold's.
    const assignmentId = randomUUID();
    const held = await this.supporters.holdFirstFree(ranked, assignmentId, care);
    if (held) {
      // Given back at once if this transaction rolls back (a failed batch is retried record by record, and must find
      // the capacity free); the sweep gives it back if the process dies first.
      afterRollback(manager, () => this.supporters.releaseHolds([assignmentId]));
      // Released meanwhile by the sweep (this transaction stalled past the hold's age): decide again.
      if (!(await this.supporters.claimHold(manager, assignmentId))) throw new SupportersBusyError();
      return this.offer(manager, kase, chosen(held.id), held.channels, attempt, policy, decisionRecord(decision, held.id), assignmentId);
    }
    if (decision.ranked.length > 0) {
      // Everyone ranked is held by another transaction right now (possibly this one) or filled up since they were
      // read: wait for the best one inside this transaction, where a lock cycle is a deadlock Postgres detects,
      // rather than escalate.
      for (const id of ranked) {
        const channels = await this.supporters.reserve(manager, id, true, care);
        if (channels) return this.offer(manager, kase, chosen(id), channels, attempt, policy, decisionRecord(decision, id), assignmentId);
      }
      // All of them filled up meanwhile: decide again on fresh rows.
      throw new SupportersBusyError();
    }
    // Nobody eligible: count, over the program's whole pool, which rules excluded whom, for staff to see.
    // Supporters resting or at their monthly cap are listed with the reasons in words.
    const census = censusOf(await this.supporters.pool(manager, kase.program), context, policy, now);
    await this.cases.recordCensus(manager, kase.id, { at: now.toISOString(), ...census });
    await this.escalateCase.execute(manager, kase, 'no-eligible-supporter');
  }

  private async offer(
    manager: EntityManager,
    kase: MatchingCase,
    supporter: SupporterCandidate,
    channels: ChannelAddressV1[],
    attempt: number,
    policy: MatchingPolicy,
    record: ReturnType<typeof decisionRecord>,
    assignmentId: string,
  ): Promise<void> {
    // The earliest the offer can expire: the ack deadline itself starts when the page reaches a provider
    // (AssignmentPaged, RecordResponse.paged), so a provider outage never runs the clock down.
    const respondBy = new Date(Date.now() + policy.ackTimeoutSeconds * 1000);
    await this.assignments.insertOffer(manager, {
      id: assignmentId, caseId: kase.id, supporterId: supporter.id, attempt, record, respondBy, ackSeconds: policy.ackTimeoutSeconds,
    });
    const offered = outbound(AssignmentOffered, {
      assignmentId,
      caseId: kase.id,
      attempt,
      supporterId: supporter.id,
      channels,
      respondBy: respondBy.toISOString(),
      // Notification picks the page template and the encounter page's guide by program; ids the contract cannot carry fall back to the default.
      ...(OFFERED_PROGRAM_ID.test(kase.program) ? { programId: kase.program } : {}),
    });
    // The offer and the case's new status reach the outbox in one statement, in this order.
    await this.records.changeStatus(manager, kase, 'offered', { attempt, supporterId: supporter.id }, [offered]);
  }
}
