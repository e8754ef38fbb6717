import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox and processed-message tables every service keeps in its own schema. Each app lists the
 * migration this returns first among its own migrations.
 */
export function messagingTablesMigration(schema: string): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = 'MessagingTables1764000000000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${schema}"."outbox" (
          "seq" bigserial PRIMARY KEY,
          "event_id" uuid NOT NULL UNIQUE,
          "topic" text NOT NULL,
          "key" text NOT NULL,
          "headers" jsonb NOT NULL,
          "payload" jsonb NOT NULL,
          "created_at" timestamptz NOT NULL DEFAULT clock_timestamp(),
          "sent_at" timestamptz
        )`);
      await runner.query(`CREATE INDEX "outbox_unsent" ON "${schema}"."outbox" ("seq") WHERE "sent_at" IS NULL`);
      await runner.query(`
        CREATE TABLE "${schema}"."processed_messages" (
          "consumer" text NOT NULL,
          "event_id" text NOT NULL,
          "processed_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("consumer", "event_id")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}"."processed_messages"`);
      await runner.query(`DROP TABLE "${schema}"."outbox"`);
    }
  };
  Object.defineProperty(migration, 'name', { value: 'MessagingTables1764000000000' });
  return migration;
}

/**
 * Marks outbox rows whose event holds personal data (EventDefinition.purgeOnPublish), so the relay deletes
 * them as soon as they are published. Sent rows written before it are deleted by the relay's hourly cleanup.
 */
export function outboxPurgeOnPublishMigration(schema: string): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = 'MessagingOutboxPurgeOnPublish1764000030000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}"."outbox" ADD COLUMN "purge_on_publish" boolean NOT NULL DEFAULT false`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`ALTER TABLE "${schema}"."outbox" DROP COLUMN "purge_on_publish"`);
    }
  };
  Object.defineProperty(migration, 'name', { value: 'MessagingOutboxPurgeOnPublish1764000030000' });
  return migration;
}

/** Each instance's last consumer-group member id, so a restarted instance can take its dead predecessor out of the group. */
export function consumerMembersMigration(schema: string): new () => MigrationInterface {
  const migration = class implements MigrationInterface {
    name = 'MessagingConsumerMembers1764000170000';

    async up(runner: QueryRunner): Promise<void> {
      await runner.query(`
        CREATE TABLE "${schema}"."consumer_members" (
          "instance_key" text NOT NULL,
          "group_id" text NOT NULL,
          "member_id" text NOT NULL,
          "joined_at" timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY ("instance_key", "group_id")
        )`);
    }

    async down(runner: QueryRunner): Promise<void> {
      await runner.query(`DROP TABLE "${schema}"."consumer_members"`);
    }
  };
  Object.defineProperty(migration, 'name', { value: 'MessagingConsumerMembers1764000170000' });
  return migration;
}

/** The messaging tables' migrations, in order: each service lists them before its own. */
export function messagingMigrations(schema: string): (new () => MigrationInterface)[] {
  return [messagingTablesMigration(schema), outboxPurgeOnPublishMigration(schema), consumerMembersMigration(schema)];
}

/** The LISTEN/NOTIFY channel on which a schema's relay is woken when outbox rows commit. */
export function outboxChannel(schema: string): string {
  return `harbor_outbox_${schema}`;
}
