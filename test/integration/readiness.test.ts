import { randomUUID } from 'node:crypto';
import { Controller, DynamicModule, INestApplication, Module } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { IsString, IsUUID } from 'class-validator';
import type { Pool } from 'pg';
import { Producer } from 'kafkajs';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { envelopeToHeaders, InboundEvent, newEnvelope } from '@harbor/messaging';
import { createLogger } from '@harbor/observability';
import { ConsumesEvent, createServiceApp, ServiceRuntimeModule } from '@harbor/service-runtime';
import { createTestDatabase, kafkaClient, LogCapture, testInfrastructure, testPool, uniqueTopicPrefix, waitFor } from '../support/infrastructure';
import { defineEvent } from '@harbor/contracts';

class ProbeV1 {
  @IsUUID()
  id: string;

  @IsString()
  label: string;
}

const Probe = defineEvent({ type: 'org.harbor.test.probe', version: 1, topic: 'probes.v1', payload: ProbeV1, key: (probe) => probe.id, subject: (probe) => probe.id });

/** Holds each record until the test lets it go, so a shutdown can be caught while a record is in flight. */
class GatedHandler {
  readonly started = new Set<string>();
  private release?: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  async handle(event: InboundEvent<ProbeV1>): Promise<void> {
    this.started.add(event.payload.id);
    await this.gate;
  }

  open(): void {
    this.release!();
  }
}

@Controller()
class ProbeEvents {
  constructor(private readonly gate: GatedHandler) {}

  @ConsumesEvent(Probe, { batchSize: 1 })
  async probe(@Payload() event: InboundEvent<ProbeV1>): Promise<void> {
    await this.gate.handle(event);
  }
}

/** The smallest service: the shared runtime (database, messaging, probes) and one gated consumer. */
@Module({})
class ProbeServiceModule {
  static forRoot(env: ServiceEnv, logger: ReturnType<typeof createLogger>, handler: GatedHandler): DynamicModule {
    return {
      module: ProbeServiceModule,
      imports: [
        ServiceRuntimeModule.forService({
          service: 'probe', schema: 'probe', env, migrations: [], producesTo: [Probe], logger,
        }),
      ],
      controllers: [ProbeEvents],
      providers: [{ provide: GatedHandler, useValue: handler }],
    };
  }
}

interface Readiness {
  status: number;
  body: { status: string; checks: Record<string, string> };
}

describe('readiness of a running service', () => {
  const logs = new LogCapture();
  const prefix = uniqueTopicPrefix();
  const handler = new GatedHandler();
  let app: INestApplication;
  let url: string;
  let databaseName: string;
  let server: Pool;
  let dropDatabase: () => Promise<void>;
  let producer: Producer;

  const readiness = async (): Promise<Readiness> => {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
  };

  beforeAll(async () => {
    const database = await createTestDatabase();
    databaseName = database.name;
    dropDatabase = database.drop;
    server = testPool(testInfrastructure().databaseUrl, 2);
    const env = loadConfig(ServiceEnv, { DATABASE_URL: database.url, KAFKA_BROKERS: testInfrastructure().brokers.join(','), KAFKA_TOPIC_PREFIX: prefix });
    const logger = createLogger('probe', 'info', logs.stream);
    app = await createServiceApp(ProbeServiceModule.forRoot(env, logger, handler), { host: '127.0.0.1', port: 0 }, logger);
    await app.listen(0, '127.0.0.1');
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = kafkaClient().producer();
    await producer.connect();
  });

  afterAll(async () => {
    handler.open();
    await app?.close();
    await producer?.disconnect();
    await server?.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`).catch(() => undefined);
    await server?.end();
    await dropDatabase?.();
  });

  it('is ready once the database answers, the producer is connected and the consumer group is joined', async () => {
    const ready = await waitFor(async () => {
      const answer = await readiness();
      return answer.status === 200 ? answer : undefined;
    }, 'readiness');
    expect(ready.body).toEqual({ status: 'ready', checks: { lifecycle: 'running', database: 'up', kafkaProducer: 'connected', kafkaConsumer: 'joined' } });
  });

  it('is not ready while the database refuses connections, and ready again when it is back', async () => {
    await server.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS false`);
    await server.query(`SELECT pg_terminate_backend("pid") FROM pg_stat_activity WHERE "datname" = $1`, [databaseName]);
    const down = await waitFor(async () => {
      const answer = await readiness();
      return answer.status === 503 ? answer : undefined;
    }, 'readiness to fail');
    expect(down.body).toEqual({ status: 'not ready', checks: expect.objectContaining({ database: 'down', lifecycle: 'running' }) });

    await server.query(`ALTER DATABASE "${databaseName}" ALLOW_CONNECTIONS true`);
    await waitFor(async () => (await readiness()).status === 200, 'readiness to return');
  });

  it('goes unready at shutdown while the record in flight is still being handled, before anything is drained', async () => {
    const probe = { id: randomUUID(), label: 'in flight at shutdown' };
    await producer.send({
      topic: `${prefix}${Probe.topic}`,
      messages: [{ key: probe.id, value: JSON.stringify(probe), headers: envelopeToHeaders(newEnvelope(Probe, probe, 'harbor/test')) }],
    });
    await waitFor(async () => handler.started.has(probe.id), 'the handler to hold the record');

    const closing = app.close();
    const during = await waitFor(async () => {
      const answer = await readiness();
      return answer.status === 503 ? answer : undefined;
    }, 'readiness to fail while shutting down', 10_000);
    expect(during.body.checks).toMatchObject({ lifecycle: 'shutting-down', database: 'up' });
    // The consumer is still draining the held record: readiness went first.
    expect(logs.containing('"msg":"stopped"')).toEqual([]);
    handler.open();
    await closing;
    expect(logs.containing('"msg":"stopped"')).toHaveLength(1);
  });
});
