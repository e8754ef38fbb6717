import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/**
 * The one owner of `"notification"."inbound_sms_messages"`: the ids of inbound SMS already applied, so every
 * replica refuses a replayed webhook.
 */
@Injectable()
export class InboundSmsMessages {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Records the message id in the caller's transaction; false when it was already applied (a replay). */
  async firstSight(manager: EntityManager, messageSid: string, writtenAt: Date): Promise<boolean> {
    const first: unknown[] = await manager.query(
      `INSERT INTO "notification"."inbound_sms_messages" ("message_sid", "written_at") VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [messageSid, writtenAt],
    );
    return first.length > 0;
  }

  /** Forgets ids received longer ago than this (a message that old is refused on its age anyway). */
  async forgetOlderThan(seconds: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM "notification"."inbound_sms_messages" WHERE "received_at" < now() - make_interval(secs => $1)`, [seconds]);
  }
}
