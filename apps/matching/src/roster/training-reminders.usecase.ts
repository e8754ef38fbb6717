import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Logger } from 'pino';
import { DataSource, EntityManager } from 'typeorm';
import { StaffPageRequested } from '@harbor/contracts';
import { OutboxWriter } from '@harbor/messaging';
import { runExclusivelyInBatches } from '@harbor/persistence';
import { LOGGER } from '@harbor/service-runtime';
import { TrainingReminderSettings } from '../matching.settings';
import { ProgramStaffMember, ProgramStaffStore } from './program-staff-store';
import { DueTrainingReminder, SupporterStore } from './supporter-store';

const BATCH = 200;
/** Reminders are counted in days: looking every hour sends one at most an hour into its day. */
const EVERY_MS = 60 * 60_000;
/** Program staff who hear of their supporters' lapsing training. */
const REMINDED_ROLES = ['administrator'] as const;

/** A stable UUID for one reminder and one of its pages, so a replayed outbox row is the same page. */
export function reminderUuid(...parts: string[]): string {
  const hex = createHash('sha256').update(['harbor-training-reminder', ...parts].join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Training currency: MATCHING_TRAINING_REMINDER_DAYS days (30 and 7 by default) before a supporter's training
 * expires, the supporter and their program's administrators are paged (StaffPageRequested, kind
 * `training-reminder`; the text names nobody). Each reminder is recorded in `"matching"."training_reminders"`
 * in the same transaction as its pages' outbox rows, so it is sent once per (supporter, expiry date, threshold)
 * whatever restarts; every replica schedules the job and one runs each turn (runExclusively).
 */
@Injectable()
export class SendTrainingReminders {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly supporters: SupporterStore,
    private readonly staff: ProgramStaffStore,
    private readonly settings: TrainingReminderSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Interval('matching-training-reminders', EVERY_MS)
  async onSchedule(): Promise<void> {
    await this.execute().catch((error) => this.logger.error({ err: (error as Error).message }, 'training reminders failed; they run again on schedule'));
  }

  /** Sends every reminder due on `now`'s day (UTC); returns how many reminders (0 when another replica holds the job). */
  async execute(now = new Date()): Promise<number> {
    const today = now.toISOString().slice(0, 10);
    const total = await runExclusivelyInBatches(this.dataSource, 'matching-training-reminders', BATCH, async (manager) => {
      const due = await this.supporters.recordDueTrainingReminders(manager, today, this.settings.days, BATCH);
      const administrators = new Map<string, Pick<ProgramStaffMember, 'id' | 'channels'>[]>();
      for (const reminder of due) {
        if (!administrators.has(reminder.program)) administrators.set(reminder.program, await this.staff.activeInRoles(manager, reminder.program, REMINDED_ROLES));
        const recipients = [{ id: reminder.supporterId, channels: reminder.channels }, ...administrators.get(reminder.program)!];
        for (const recipient of recipients) await this.page(manager, reminder, recipient, now);
      }
      return due.length;
    });
    if (total > 0) this.logger.info({ reminders: total }, 'training reminders sent');
    return total;
  }

  private async page(
    manager: EntityManager,
    reminder: DueTrainingReminder,
    recipient: Pick<ProgramStaffMember, 'id' | 'channels'>,
    now: Date,
  ): Promise<void> {
    if (recipient.channels.length === 0) return;
    const reminderId = reminderUuid(reminder.supporterId, reminder.expiresOn, String(reminder.daysBefore));
    await this.outbox.enqueue(manager, StaffPageRequested, {
      pageId: reminderUuid(reminderId, recipient.id),
      kind: 'training-reminder',
      caseId: reminderId,
      recipientId: recipient.id,
      channels: recipient.channels,
      requestedAt: now.toISOString(),
    });
  }
}
