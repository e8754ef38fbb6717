import { Controller, Module } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { EntityManager } from 'typeorm';
import { InboundEvent, MessagingRuntime, Subscription } from '@harbor/messaging';
import { consumedEvents, ConsumesEvent, EventContext, HarborEventTransport } from './event-transport';
import { defineEvent } from '@harbor/contracts';

class NoteV1 {
  @IsString()
  id: string;
}
const NoteWritten = defineEvent({ type: 'org.harbor.test.note-written', version: 1, topic: 'notes.v1', payload: NoteV1, key: (note) => note.id, subject: (note) => note.id });
const NoteErased = defineEvent({ type: 'org.harbor.test.note-erased', version: 1, topic: 'notes.v1', payload: NoteV1, key: (note) => note.id, subject: (note) => note.id });
const Archived = defineEvent({ type: 'org.harbor.test.archived', version: 1, topic: 'archive.v1', payload: NoteV1, key: (note) => note.id, subject: (note) => note.id });
const Imported = defineEvent({ type: 'org.harbor.test.imported', version: 2, topic: 'imports.v2', payload: NoteV1, key: (note) => note.id, subject: (note) => note.id });

class PermanentProblem extends Error {}

@Controller()
class NoteEvents {
  readonly seen: string[] = [];

  @ConsumesEvent(NoteWritten)
  async written(@Payload() event: InboundEvent<NoteV1>, @Ctx() context: EventContext): Promise<void> {
    this.seen.push(`written ${event.payload.id} in ${String(context.manager)}`);
  }

  @ConsumesEvent(NoteErased)
  async erased(@Payload() event: InboundEvent<NoteV1>): Promise<void> {
    throw new PermanentProblem(`cannot erase ${event.payload.id}`);
  }

  @ConsumesEvent(Imported, { readsPlainRecords: true, batchSize: 1 })
  async imported(): Promise<void> {}

  @ConsumesEvent(Archived, { batchSize: 200 })
  async archived(): Promise<void> {}
}

@Module({ controllers: [NoteEvents] })
class NotesModule {}

/** What the transport hands the messaging library, from handlers declared with @ConsumesEvent. */
describe('HarborEventTransport', () => {
  let transport: HarborEventTransport;
  let started: Subscription[];
  let controller: NoteEvents;

  beforeAll(async () => {
    const messaging = { start: async (subscriptions: Subscription[]) => void (started = subscriptions) } as unknown as MessagingRuntime;
    transport = new HarborEventTransport(messaging, 50);
    const moduleRef = await Test.createTestingModule({ imports: [NotesModule] }).compile();
    const app = moduleRef.createNestMicroservice({ strategy: transport });
    await app.listen();
    controller = app.get(NoteEvents);
  });

  it('subscribes one consumer per topic with every handler of that topic, and the per-handler settings', () => {
    const summary = started
      .map((subscription) => ({
        topic: subscription.topic,
        types: subscription.handlers.map((handler) => `${handler.definition.type}.v${handler.definition.version}`).sort(),
        typeWhenAbsent: subscription.typeWhenAbsent,
        batchSize: subscription.batchSize,
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    expect(summary).toEqual([
      { topic: 'archive.v1', types: ['org.harbor.test.archived.v1'], typeWhenAbsent: undefined, batchSize: 200 },
      { topic: 'imports.v2', types: ['org.harbor.test.imported.v2'], typeWhenAbsent: 'org.harbor.test.imported.v2', batchSize: 1 },
      { topic: 'notes.v1', types: ['org.harbor.test.note-erased.v1', 'org.harbor.test.note-written.v1'], typeWhenAbsent: undefined, batchSize: 50 },
    ]);
  });

  it('calls the method with the event and the transaction it is applied in', async () => {
    const handler = started.find((s) => s.topic === 'notes.v1')!.handlers.find((h) => h.definition === NoteWritten)!;
    await handler.handle({ payload: { id: 'n-1' } } as InboundEvent<NoteV1>, 'the-transaction' as unknown as EntityManager);
    expect(controller.seen).toEqual(['written n-1 in the-transaction']);
  });

  it('passes a handler\'s own error through unchanged, so the messaging library can judge it', async () => {
    const handler = started.find((s) => s.topic === 'notes.v1')!.handlers.find((h) => h.definition === NoteErased)!;
    const failure = handler.handle({ payload: { id: 'n-2' } } as InboundEvent<NoteV1>, {} as EntityManager);
    await expect(failure).rejects.toBeInstanceOf(PermanentProblem);
    await expect(failure).rejects.toThrow('cannot erase n-2');
  });

  it('finds the consumed events in a module tree without starting it (deployment checks, ACLs)', () => {
    expect(consumedEvents({ module: class Root {}, imports: [NotesModule] }).map((definition) => definition.type).sort()).toEqual([
      'org.harbor.test.archived', 'org.harbor.test.imported', 'org.harbor.test.note-erased', 'org.harbor.test.note-written',
    ]);
  });
});
