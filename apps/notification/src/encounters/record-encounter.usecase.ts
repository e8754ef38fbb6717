import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EncounterRecorded, ReferralType } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { LOGGER } from '@harbor/service-runtime';
import { EncounterAction, EncounterProgress, recordAction } from './encounter-progress';
import { EncounterRecords } from './encounter-records';

export type RecordEncounterOutcome =
  | { ok: true; progress: EncounterProgress }
  | { ok: false; reason: 'unknown-offer' | 'closed' | 'not-available' };

/**
 * One submission of the encounter page: checked against what the page recorded so far (only the actions the
 * page offers), kept locally for the page's progress, and sent to matching as EncounterRecorded through the
 * outbox, in one transaction. Matching decides the case; a submission it cannot apply is logged there and dropped.
 */
@Injectable()
export class RecordEncounter {
  constructor(
    private readonly records: EncounterRecords,
    private readonly outbox: OutboxWriter,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(assignmentId: string, action: EncounterAction, offered: { referrals: ReferralType[]; timeOffSuggested: boolean }): Promise<RecordEncounterOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const offer = await this.records.offer(assignmentId, manager, true);
      if (!offer) return { ok: false, reason: 'unknown-offer' };
      if (offer.status !== 'accepted') return { ok: false, reason: 'closed' };
      const recorded = recordAction(await this.records.progress(assignmentId, manager), action, offered);
      if (!recorded) return { ok: false, reason: 'not-available' };
      await this.records.save(manager, assignmentId, recorded.progress);
      await this.outbox.enqueue(manager, EncounterRecorded, {
        recordId: randomUUID(), assignmentId, caseId: offer.caseId, ...recorded.report, recordedAt: new Date().toISOString(),
      });
      this.logger.info({ assignmentId, action }, 'encounter recorded');
      return { ok: true, progress: recorded.progress };
    });
  }
}
