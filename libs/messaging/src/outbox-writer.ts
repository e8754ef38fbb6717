import { EntityManager } from 'typeorm';
import { EventDefinition } from './event-definition';
import { envelopeToHeaders, newEnvelope } from './envelope';
import { validateEventPayload } from './event-validation';
import { outboxChannel } from './messaging-tables.migration';
import { TopicNames } from './topic-names';

/**
 * Records an event in the caller's transaction. It reaches Kafka only if that transaction commits,
 * and the NOTIFY (delivered by Postgres at commit) wakes the relay within milliseconds.
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
      `INSERT INTO "${this.schema}"."outbox" ("event_id", "topic", "key", "headers", "payload") VALUES ($1, $2, $3, $4, $5)`,
      [envelope.id, this.topics.name(definition.topic), definition.key(valid), envelopeToHeaders(envelope), JSON.stringify(valid)],
    );
    await manager.query(`SELECT pg_notify($1, '')`, [outboxChannel(this.schema)]);
    return envelope.id;
  }
}
