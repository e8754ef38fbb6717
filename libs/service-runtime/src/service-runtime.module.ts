import {
  BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown,
  Provider, Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource, MigrationInterface } from 'typeorm';
import { Logger } from 'pino';
import { AuthModule } from '@harbor/auth';
import { ServiceEnv } from '@harbor/config';
import {
  deadLetterTopicPolicy, EventDefinition, EventHandler, messagingTablesMigration, MessagingRuntime, OutboxWriter, Subscription,
} from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { createServiceDataSource, migrateServiceSchema } from '@harbor/persistence';
import { MetricsServer } from './metrics-server';
import { OperationsController } from './operations.controller';
import { ProblemRenderer } from './problem-details.filter';
import { LOGGER, PROBLEM_RENDERERS, SERVICE_ENV } from './tokens';

export interface ConsumerDeclaration {
  topic: string;
  handlers: Type<EventHandler<any>>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  typeWhenAbsent?: string;
  /** Overrides KAFKA_CONSUMER_BATCH_SIZE; 1 for handlers with effects outside the database. */
  batchSize?: number;
}

export interface ServiceRuntimeOptions {
  service: string;
  schema: string;
  env: ServiceEnv;
  migrations: (new () => MigrationInterface)[];
  producesTo: Pick<EventDefinition, 'topic' | 'topicPolicy'>[];
  consumes?: ConsumerDeclaration[];
  logger: Logger;
  /** Error formats of the service's own paths, e.g. OperationOutcome under /fhir/. */
  problemRenderers?: ProblemRenderer[];
}

const OPTIONS = Symbol('SERVICE_RUNTIME_OPTIONS');

/** Starts messaging once every module is ready and stops it before the database closes. */
@Injectable()
class ServiceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: ServiceRuntimeOptions,
    private readonly messaging: MessagingRuntime,
    private readonly dataSource: DataSource,
    private readonly moduleRef: ModuleRef,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Handlers are resolved here, when every provider of the app has been created. */
  async onApplicationBootstrap(): Promise<void> {
    const subscriptions: Subscription[] = (this.options.consumes ?? []).map((declaration) => ({
      topic: declaration.topic,
      typeWhenAbsent: declaration.typeWhenAbsent,
      batchSize: declaration.batchSize ?? this.options.env.KAFKA_CONSUMER_BATCH_SIZE,
      handlers: declaration.handlers.map((handler) => this.moduleRef.get(handler, { strict: false })),
    }));
    await this.messaging.start(subscriptions);
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down: stopping consumers and flushing the outbox');
    await this.messaging.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('stopped');
  }
}

/**
 * Wires one Harbor service: validated settings, its own schema (migrated at start), the messaging runtime
 * (outbox, relay, idempotent consumer), bearer-token roles on every route, logs, probes, and metrics on a port
 * of their own.
 */
@Module({})
export class ServiceRuntimeModule {
  static forService(options: ServiceRuntimeOptions): DynamicModule {
    const logger = options.logger;
    const metrics = new ServiceMetrics(options.service);
    const providers: Provider[] = [
      { provide: OPTIONS, useValue: options },
      { provide: SERVICE_ENV, useValue: options.env },
      { provide: LOGGER, useValue: logger },
      { provide: PROBLEM_RENDERERS, useValue: options.problemRenderers ?? [] },
      { provide: ServiceMetrics, useValue: metrics },
      {
        provide: DataSource,
        useFactory: async () => {
          const dataSource = createServiceDataSource({
            url: options.env.DATABASE_URL,
            schema: options.schema,
            migrations: [messagingTablesMigration(options.schema), ...options.migrations],
          });
          await migrateServiceSchema(dataSource, options.schema);
          return dataSource;
        },
      },
      {
        provide: MessagingRuntime,
        inject: [DataSource],
        useFactory: (dataSource: DataSource) =>
          new MessagingRuntime(
            {
              service: options.service,
              schema: options.schema,
              databaseUrl: options.env.DATABASE_URL,
              brokers: options.env.KAFKA_BROKERS,
              topicPrefix: options.env.KAFKA_TOPIC_PREFIX,
              retry: { attempts: options.env.KAFKA_RETRY_ATTEMPTS, baseDelayMs: options.env.KAFKA_RETRY_BASE_MS, maxDelayMs: 10_000 },
              producesTo: options.producesTo,
              deadLetterPolicy: deadLetterTopicPolicy(options.env.KAFKA_DEAD_LETTER_RETENTION_HOURS),
            },
            dataSource,
            logger,
            metrics,
          ),
      },
      { provide: OutboxWriter, inject: [MessagingRuntime], useFactory: (runtime: MessagingRuntime) => runtime.outbox },
      MetricsServer,
      ServiceLifecycle,
    ];
    return {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        AuthModule.forRoot({ issuer: options.env.AUTH_ISSUER, audience: options.env.AUTH_AUDIENCE, jwksUrl: options.env.jwksUrl }),
      ],
      controllers: [OperationsController],
      providers,
      exports: [SERVICE_ENV, LOGGER, ServiceMetrics, MetricsServer, DataSource, MessagingRuntime, OutboxWriter],
    };
  }
}
