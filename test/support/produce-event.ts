import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { envelopeToHeaders, newEnvelope } from '@harbor/messaging';
import { EventDefinition } from '@harbor/contracts';

/**
 * Publishes one event the way a Harbor service's outbox would (CloudEvents headers, the definition's key) on
 * `topic` (the definition's topic with the test's prefix). Returns the event id.
 */
export async function produceEvent<P extends object>(
  producer: Producer, topic: string, definition: EventDefinition<P>, payload: P, options: { eventId?: string; source?: string } = {},
): Promise<string> {
  const envelope = { ...newEnvelope(definition, payload, options.source ?? 'harbor/test'), id: options.eventId ?? randomUUID() };
  await producer.send({ topic, messages: [{ key: definition.key(payload), value: JSON.stringify(payload), headers: envelopeToHeaders(envelope) }] });
  return envelope.id;
}
