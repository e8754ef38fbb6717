import { randomUUID } from 'node:crypto';
import { Consumer, Producer } from 'kafkajs';
import { Role } from '@harbor/auth';
import {
  AssignmentClosed, AssignmentOffered, AssignmentPaged, AssignmentResponded, AssignmentUndeliverable, CaseLifecycle, ContactReleased, EventDefinition, GroupDebriefChanged, StaffPageRequested,
  SupportRequested, SupportRequestedV1,
} from '@harbor/contracts';
import { envelopeToHeaders, HEADER, newEnvelope } from '@harbor/messaging';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';

export interface Received {
  type: string;
  topic: string;
  payload: Record<string, unknown> & { caseId: string };
}

const OUTBOUND = [AssignmentOffered, AssignmentClosed, CaseLifecycle, ContactReleased, StaffPageRequested, GroupDebriefChanged];

/**
 * Drives matching alone through real Kafka: produces the events intake and notification would produce
 * (with CloudEvents headers) and collects everything matching publishes. Like notification, it reports
 * every offer as paged (AssignmentPaged, which starts the acknowledgement clock) unless `autoPage` is off.
 */
export class MatchingDriver {
  readonly received: Received[] = [];
  private producer!: Producer;
  private consumer!: Consumer;

  /** Report every offer paged as it is published (as notification would). */
  autoPage = true;

  constructor(readonly harbor: HarborHarness) {}

  async start(): Promise<void> {
    this.producer = kafkaClient().producer();
    await this.producer.connect();
    this.consumer = kafkaClient().consumer({ groupId: `matching-test-${uniqueSuffix()}` });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: OUTBOUND.map((definition) => this.harbor.topic(definition.topic)), fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const type = message.headers?.[HEADER.type]?.toString() ?? '';
        const received = { type, topic, payload: JSON.parse(message.value!.toString()) };
        this.received.push(received);
        if (topic === this.harbor.topic(AssignmentOffered.topic) && this.autoPage) await this.paged(received);
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }

  /** Publishes one event with a fresh CloudEvents id (a redelivery by the producer, if the payload repeats); returns that id. */
  async produce<P extends object>(definition: EventDefinition<P>, payload: P): Promise<string> {
    const envelope = newEnvelope(definition, payload, 'harbor/test');
    await this.producer.send({
      topic: this.harbor.topic(definition.topic),
      messages: [{ key: definition.key(payload), value: JSON.stringify(payload), headers: envelopeToHeaders(envelope) }],
    });
    return envelope.id;
  }

  async requestSupport(clinicianValue: string, overrides: Partial<SupportRequestedV1> = {}): Promise<string> {
    const requestId = randomUUID();
    await this.produce(SupportRequested, {
      requestId,
      clinician: { system: 'urn:test:employee', value: clinicianValue },
      trigger: { kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: new Date().toISOString() },
      facility: 'general',
      requestedAt: new Date().toISOString(),
      ...overrides,
    } as SupportRequestedV1);
    return requestId;
  }

  async respond(offer: Received, response: 'accepted' | 'declined'): Promise<void> {
    await this.produce(AssignmentResponded, {
      assignmentId: offer.payload.assignmentId as string,
      caseId: offer.payload.caseId,
      supporterId: offer.payload.supporterId as string,
      response,
      via: 'link' as const,
      respondedAt: new Date().toISOString(),
    });
  }

  /** What notification reports once a provider accepted the offer's page. */
  async paged(offer: Received, pagedAt = new Date()): Promise<void> {
    await this.produce(AssignmentPaged, {
      assignmentId: offer.payload.assignmentId as string,
      caseId: offer.payload.caseId,
      supporterId: offer.payload.supporterId as string,
      channel: 'console' as const,
      pagedAt: pagedAt.toISOString(),
    });
  }

  async undeliverable(offer: Received): Promise<void> {
    await this.produce(AssignmentUndeliverable, {
      assignmentId: offer.payload.assignmentId as string,
      caseId: offer.payload.caseId,
      supporterId: offer.payload.supporterId as string,
      failures: ['sms:ProviderRejected'],
      failedAt: new Date().toISOString(),
    });
  }

  of(definition: { topic: string }, filter: (payload: Received['payload']) => boolean = () => true): Received[] {
    return this.received.filter((event) => event.topic === this.harbor.topic(definition.topic) && filter(event.payload));
  }

  async next(definition: { topic: string }, filter: (payload: Received['payload']) => boolean, what: string, count = 1, timeoutMs = 30_000): Promise<Received[]> {
    return waitFor(async () => {
      const found = this.of(definition, filter);
      return found.length >= count ? found : undefined;
    }, what, timeoutMs);
  }

  async admin(path: string, method: string, body?: unknown, role: Role = Role.ProgramAdmin): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await this.harbor.request('matching', path, { method, role, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async asSupporter(supporterId: string, path: string, method: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const token = await this.harbor.token(Role.Supporter, supporterId);
    const response = await this.harbor.request('matching', path, {
      method, headers: { authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async supporter(id: string, overrides: Record<string, unknown> = {}): Promise<void> {
    const result = await this.admin('/v1/roster/supporters', 'POST', {
      id, displayName: `Supporter ${id}`, profession: 'nurse', trainingExpiresOn: '2099-12-31', maxOpenCases: 2,
      channels: [{ kind: 'console', address: '' }], ...overrides,
    });
    if (result.status >= 300) throw new Error(`supporter ${id}: ${result.status} ${JSON.stringify(result.body)}`);
  }

  async clinician(value: string, overrides: Record<string, unknown> = {}): Promise<string> {
    const result = await this.admin('/v1/directory/clinicians', 'POST', {
      identifiers: [{ system: 'urn:test:employee', value }], displayName: `Dr. ${value} Testname`, profession: 'nurse', ...overrides,
    });
    if (result.status >= 300) throw new Error(`clinician ${value}: ${result.status} ${JSON.stringify(result.body)}`);
    return result.body.id;
  }
}
