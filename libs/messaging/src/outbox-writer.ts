import { EntityManager } from 'typeorm';
import { envelopeToHeaders, newEnvelope } from './envelope';
import { InsertAtCommit, wakeOnCommit } from '@harbor/persistence';
import { outboxChannel } from './messaging-tables.migration';
import { TopicNames } from './topic-names';
import { EventDefinition, validateEventPayload } from '@harbor/contracts';

/** An event to record with OutboxWriter.enqueueAll; build it with `outbound` so the payload is checked against its definition. */
export interface OutboundEvent {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- events of different payload types share one list
  definition: EventDefinition<any>;
  payload: object;
}

export function outbound<P extends object>(definition: EventDefinition<P>, payload: P): OutboundEvent {
  return { definition, payload };
}

/** Set on a transaction's query runner when it wrote outbox rows, so its commit wakes the relay. */
export const OUTBOX_WRITTEN = 'harborOutboxWritten';

/** One outbox row's values, in the INSERT's column order. */
type OutboxRow = unknown[];

/**
 * Records an event in the caller's transaction. It reaches Kafka only if that transaction commits;
 * the commit wakes this process's relay at once (see OutboxCommitWakeup), and a NOTIFY wakes relays
 * in other replicas. Inside a transaction the rows are written just before its commit, every row the
 * transaction recorded in one statement (a consumer's chunk of records: one INSERT for the chunk), in
 * the order they were recorded: the sequence, hence the relay's publishing order, follows that order.
 */
export class OutboxWriter {
  private readonly rows: InsertAtCommit;

  constructor(
    private readonly schema: string,
    private readonly source: string,
    private readonly topics: TopicNames,
  ) {
    this.rows = new InsertAtCommit(`"${schema}"."outbox"`, [
      ['"event_id"', 'uuid'], ['"topic"', 'text'], ['"key"', 'text'], ['"headers"', 'jsonb'], ['"payload"', 'jsonb'], ['"purge_on_publish"', 'boolean'],
    ]);
  }

  async enqueue<P extends object>(manager: EntityManager, definition: EventDefinition<P>, payload: P): Promise<string> {
    const [id] = await this.enqueueAll(manager, [outbound(definition, payload)]);
    return id;
  }

  /**
   * Records several events in the caller's transaction with one statement, in the order given (the outbox's
   * sequence, hence the relay's publishing order, follows the VALUES order). Returns their ids in that order.
   */
  async enqueueAll(manager: EntityManager, events: OutboundEvent[]): Promise<string[]> {
    if (events.length === 0) return [];
    const ids: string[] = [];
    const rows: OutboxRow[] = [];
    // Validated now, so an invalid event fails the call that recorded it, not the commit.
    for (const { definition, payload } of events) {
      const valid = validateEventPayload(definition, payload);
      const envelope = newEnvelope(definition, valid, this.source);
      ids.push(envelope.id);
      rows.push([envelope.id, this.topics.name(definition.topic), definition.key(valid), envelopeToHeaders(envelope), JSON.stringify(valid), definition.purgeOnPublish === true]);
    }
    await this.rows.add(manager, ...rows);
    // The commit wakes this process's relay; written outside a transaction, the rows are there now: tell every relay.
    if (!wakeOnCommit(manager, OUTBOX_WRITTEN)) await manager.query(`SELECT pg_notify($1, '')`, [outboxChannel(this.schema)]);
    return ids;
  }
}
