import {
  BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown,
  Provider,
} from '@nestjs/common';
import { hostname } from 'node:os';
import { ScheduleModule } from '@nestjs/schedule';
import { DataSource, MigrationInterface } from 'typeorm';
import { Logger } from 'pino';
import { AuthModule } from '@harbor/auth';
import { ServiceEnv } from '@harbor/config';
import { deadLetterTopicPolicy, messagingMigrations, MessagingRuntime, MessagingStatus, OutboxWriter, Subscription } from '@harbor/messaging';
import { ServiceMetrics } from '@harbor/observability';
import { createServiceDataSource, migrateServiceSchema, requireMigratedSchema } from '@harbor/persistence';
import { ApiDocument, ApiDocumentController, OpenApiMetadataLoader } from './api-document';
import { HarborEventTransport } from './event-transport';
import { MetricsServer } from './metrics-server';
import { OperationsController } from './operations.controller';
import { ServiceHealth } from './service-health';
import { registerDatabaseMetrics } from './database-metrics';
import { ProblemRenderer } from './problem-details.filter';
import { JSON_VALUE_LIMITS, LOGGER, PROBLEM_RENDERERS, ROUTE_LABELS, SERVICE_ENV } from './tokens';
import { RouteLabels } from './http-telemetry';
import { EventDefinition } from '@harbor/contracts';

export interface ServiceRuntimeOptions {
  service: string;
  schema: string;
  env: ServiceEnv;
  migrations: (new () => MigrationInterface)[];
  /** Events the service writes to its outbox. What it consumes is declared on its event controllers (@ConsumesEvent). */
  producesTo: Pick<EventDefinition, 'topic' | 'topicPolicy'>[];
  logger: Logger;
  /** Error formats of the service's own paths, e.g. OperationOutcome under /fhir/. */
  problemRenderers?: ProblemRenderer[];
  /**
   * Route patterns reported under another label in HTTP metrics and access logs: routes whose count alone would
   * tell one kind of clinical event from another (intake's trigger submissions) share one label.
   */
  routeLabels?: RouteLabels;
  /** The service's generated OpenAPI plugin metadata (`() => import('./openapi-metadata')`), served at /openapi.json. */
  openApiMetadata?: OpenApiMetadataLoader;
  /**
   * Paths (exact, no parameters) that take bulk JSON documents, with the most values one may hold; every other
   * path keeps DEFAULT_MAX_JSON_VALUES. The route must then validate its items one at a time, not the document.
   */
  jsonValueLimits?: Record<string, number>;
  /**
   * `false` for an app that neither produces nor consumes events (the console, a front end to the services' APIs):
   * no Kafka client, no outbox tables, and readiness does not wait for a producer. Default true.
   */
  messaging?: boolean;
}

/**
 * Stands in for the messaging runtime of an app declared with `messaging: false`: nothing to connect, stop or
 * report, and a handler that consumes events is a wiring mistake that stops the start.
 */
class WithoutMessaging {
  status(): MessagingStatus {
    return { producer: 'none', consumer: 'none' };
  }
  get subscriptions(): readonly Subscription[] {
    return [];
  }
  onFatal(): void {}
  async start(subscriptions: Subscription[]): Promise<void> {
    if (subscriptions.length > 0) throw new Error('an app declared with messaging: false has event handlers');
  }
  async stop(): Promise<void> {}
}

const OPTIONS = Symbol('SERVICE_RUNTIME_OPTIONS');

/** What each service module declared, found again from the module its `forRoot` returns (for `migrate` and checks). */
const declarations = new WeakMap<DynamicModule, ServiceRuntimeOptions>();

/**
 * The ServiceRuntimeModule options (service, schema, migrations, topics produced and consumed) inside a
 * service's root module. Lets the migrate step and the deployment checks read what the service declares
 * instead of keeping a second list.
 */
export function serviceDeclaration(root: DynamicModule): ServiceRuntimeOptions {
  const queue: unknown[] = [root];
  while (queue.length > 0) {
    const candidate = queue.shift() as DynamicModule;
    const found = declarations.get(candidate);
    if (found) return found;
    queue.push(...(candidate?.imports ?? []));
  }
  throw new Error('the module imports no ServiceRuntimeModule.forService(...)');
}

/** The service's data source on its own schema, with the shared messaging tables' migration first. */
export function serviceDataSource(options: Pick<ServiceRuntimeOptions, 'env' | 'schema' | 'migrations' | 'messaging'>): DataSource {
  return createServiceDataSource({
    url: options.env.DATABASE_URL,
    schema: options.schema,
    preparedStatements: options.env.DATABASE_PREPARED_STATEMENTS,
    poolSize: options.env.DATABASE_POOL_SIZE,
    poolIdleSeconds: options.env.DATABASE_POOL_IDLE_SECONDS,
    migrations: [...(options.messaging === false ? [] : messagingMigrations(options.schema)), ...options.migrations],
  });
}

/**
 * Stops messaging before the database closes. Messaging starts with the event transport once the app is
 * initialised (createServiceApp); start-up waits for the topics, the producer and the relay, not for the consumer group: the HTTP server (and notification's
 * dispatcher) start while the group is still joining, and readiness says when it has joined.
 */
@Injectable()
class ServiceLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(OPTIONS) private readonly options: ServiceRuntimeOptions,
    private readonly messaging: MessagingRuntime,
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Consumers start with the event transport (HarborEventTransport.listen); this only warns about the set-up. */
  onApplicationBootstrap(): void {
    if (this.options.messaging !== false && this.options.env.HARBOR_ENV === 'production' && !this.options.env.KAFKA_SSL) {
      this.logger.warn('KAFKA_SSL is off: events, released contact details included, travel to Kafka unencrypted');
    }
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
    registerDatabaseMetrics(metrics);
    const providers: Provider[] = [
      { provide: OPTIONS, useValue: options },
      { provide: SERVICE_ENV, useValue: options.env },
      { provide: LOGGER, useValue: logger },
      { provide: PROBLEM_RENDERERS, useValue: options.problemRenderers ?? [] },
      { provide: ROUTE_LABELS, useValue: options.routeLabels ?? {} },
      ApiDocument,
      { provide: JSON_VALUE_LIMITS, useValue: options.jsonValueLimits ?? {} },
      { provide: ServiceMetrics, useValue: metrics },
      {
        provide: DataSource,
        useFactory: async () => {
          const dataSource = serviceDataSource(options);
          try {
            if (options.env.DATABASE_MIGRATE_ON_START) await migrateServiceSchema(dataSource, options.schema);
            else await requireMigratedSchema(dataSource, options.schema);
          } catch (error) {
            if (dataSource.isInitialized) await dataSource.destroy();
            throw error;
          }
          return dataSource;
        },
      },
      {
        provide: MessagingRuntime,
        inject: [DataSource],
        useFactory: (dataSource: DataSource) =>
          options.messaging === false ? (new WithoutMessaging() as unknown as MessagingRuntime) : new MessagingRuntime(
            {
              service: options.service,
              schema: options.schema,
              databaseUrl: options.env.DATABASE_URL,
              kafka: options.env.kafkaConnection,
              createTopics: options.env.createKafkaTopics,
              sessionTimeoutMs: options.env.KAFKA_SESSION_TIMEOUT_MS,
              offsetCommitIntervalMs: options.env.KAFKA_OFFSET_COMMIT_INTERVAL_MS,
              fetchMinBytes: options.env.KAFKA_FETCH_MIN_BYTES,
              topicPrefix: options.env.KAFKA_TOPIC_PREFIX,
              retry: { attempts: options.env.KAFKA_RETRY_ATTEMPTS, baseDelayMs: options.env.KAFKA_RETRY_BASE_MS, maxDelayMs: 10_000 },
              producesTo: options.producesTo,
              deadLetterPolicy: deadLetterTopicPolicy(options.env.KAFKA_DEAD_LETTER_RETENTION_HOURS),
              // A pod keeps its name across container restarts; the port tells apart instances sharing a host (a
              // random port, as in tests, names no stable instance).
              instanceKey: options.env.HTTP_PORT > 0 ? `${hostname()}:${options.env.HTTP_PORT}` : undefined,
            },
            dataSource,
            logger,
            metrics,
          ),
      },
      { provide: OutboxWriter, inject: [MessagingRuntime], useFactory: (runtime: MessagingRuntime) => runtime.outbox },
      {
        provide: HarborEventTransport,
        inject: [MessagingRuntime],
        useFactory: (runtime: MessagingRuntime) => new HarborEventTransport(runtime, options.env.KAFKA_CONSUMER_BATCH_SIZE),
      },
      ServiceHealth,
      MetricsServer,
      ServiceLifecycle,
    ];
    const module: DynamicModule = {
      module: ServiceRuntimeModule,
      global: true,
      imports: [
        // Recurring work (purges, reminders) is declared with @nestjs/schedule's decorators on the feature that owns it.
        ScheduleModule.forRoot(),
        AuthModule.forRoot({ issuer: options.env.AUTH_ISSUER, audience: options.env.AUTH_AUDIENCE, jwksUrl: options.env.jwksUrl, roleClaims: options.env.roleClaims }),
      ],
      controllers: [OperationsController, ApiDocumentController],
      providers,
      exports: [
        SERVICE_ENV, LOGGER, ROUTE_LABELS, JSON_VALUE_LIMITS, ServiceMetrics, MetricsServer, DataSource, MessagingRuntime, OutboxWriter, ServiceHealth,
        ApiDocument, HarborEventTransport,
      ],
    };
    declarations.set(module, options);
    return module;
  }
}
