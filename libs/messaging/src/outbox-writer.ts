import { EntityManager } from 'typeorm';
import { envelopeToHeaders, newEnvelope } from './envelope';
import { wakeOnCommit } from './after-commit';
import { outboxChannel } from './messaging-tables.migration';
import { TopicNames } from './topic-names';
import { EventDefinition, validateEventPayload } from '@harbor/contracts';

/** Set on a transaction's query runner when it wrote outbox rows, so its commit wakes the relay. */
export const OUTBOX_WRITTEN = 'harborOutboxWritten';

/**
 * Records an event in the caller's transaction. It reaches Kafka only if that transaction commits;
 * the commit wakes this process's relay at once (see OutboxCommitWakeup), and a NOTIFY wakes relays
 * in other replicas.
 */
export class OutboxWriter {
  constructor(
    private readonly schema: string,
    private readonly source: string,
    private readonly topics: TopicNames,
  ) {}

  async enqueue<P extends object>(manager: EntityManager, definition: EventDefinition<P>, payload: P): Promise<string> {
    const valid = validateEventPayload(definition, payload);
    const envelope = newEnvelope(definition, valid, this.source);
    await manager.query(
      `INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "headers", "payload", "purge_on_publish") VALUES ($1, $2, $3, $4, $5, $6)`,
      [envelope.id, this.topics.name(definition.topic), definition.key(valid), envelopeToHeaders(envelope), JSON.stringify(valid), definition.purgeOnPublish === true],
    );
    if (!wakeOnCommit(manager, OUTBOX_WRITTEN)) await manager.query(`SELECT pg_notify($1, '')`, [outboxChannel(this.schema)]);
    return envelope.id;
  }
}
