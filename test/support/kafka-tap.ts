import { Consumer, Producer } from 'kafkajs';
import { envelopeToHeaders, newEnvelope } from '@harbor/messaging';
import { HarborHarness } from './harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from './infrastructure';
import { EventDefinition } from '@harbor/contracts';

export interface Tapped {
  topic: string;
  payload: Record<string, unknown>;
}

/**
 * Produces events into a harness's topics the way a Harbor service does (CloudEvents headers) and collects
 * what the services publish on the topics it watches, from the beginning.
 */
export class KafkaTap {
  readonly received: Tapped[] = [];
  private producer?: Producer;
  private consumer?: Consumer;

  constructor(private readonly harbor: HarborHarness, private readonly watched: Pick<EventDefinition, 'topic'>[]) {}

  async start(): Promise<this> {
    this.producer = kafkaClient().producer();
    await this.producer.connect();
    if (this.watched.length === 0) return this;
    this.consumer = kafkaClient().consumer({ groupId: `tap-${uniqueSuffix()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.watched.map((definition) => this.harbor.topic(definition.topic)), fromBeginning: true });
    await this.consumer.run({ eachMessage: async ({ topic, message }) => void this.received.push({ topic, payload: JSON.parse(message.value!.toString()) }) });
    return this;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  async produce<P extends object>(definition: EventDefinition<P>, payload: P, source = 'harbor/test'): Promise<void> {
    const envelope = newEnvelope(definition, payload, source);
    await this.producer!.send({
      topic: this.harbor.topic(definition.topic),
      messages: [{ key: definition.key(payload), value: JSON.stringify(payload), headers: envelopeToHeaders(envelope) }],
    });
  }

  /** Raw records on an inbound topic (e.g. what a hospital system publishes), without CloudEvents headers. */
  async publish(topic: string, key: string, value: unknown): Promise<void> {
    await this.producer!.send({ topic: this.harbor.topic(topic), messages: [{ key, value: JSON.stringify(value) }] });
  }

  of(definition: Pick<EventDefinition, 'topic'>, filter: (payload: Record<string, unknown>) => boolean = () => true): Record<string, unknown>[] {
    return this.received.filter((event) => event.topic === this.harbor.topic(definition.topic) && filter(event.payload)).map((event) => event.payload);
  }

  async next(definition: Pick<EventDefinition, 'topic'>, filter: (payload: Record<string, unknown>) => boolean, what: string, timeoutMs?: number) {
    return waitFor(async () => this.of(definition, filter)[0], what, timeoutMs);
  }
}

/** A counter's value from a Prometheus text exposition (0 when the series is absent). */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number {
  return exposition.split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .filter((line) => Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}
