import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A queued page keeps the W3C trace context of the record that queued it, so the dispatcher's send (outside
 * the consumer's transaction, maybe much later or in another replica) continues that record's trace up to
 * the provider call. Nullable: pages queued before, or with tracing off, have none. Expand-only.
 */
export class NotificationDispatchTraceContext1764000080000 implements MigrationInterface {
  name = 'NotificationDispatchTraceContext1764000080000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."dispatches" ADD COLUMN "traceparent" text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE "notification"."dispatches" DROP COLUMN "traceparent"`);
  }
}
