import { DynamicModule, INestApplication } from '@nestjs/common';
import type { Pool } from 'pg';
import { Logger } from 'pino';
import { DevTokenIssuer, Role } from '@harbor/auth';
import { loadConfig, ServiceEnv } from '@harbor/config';
import { createLogger } from '@harbor/observability';
import { createServiceApp, MetricsServer } from '@harbor/service-runtime';
import { createTestDatabase, deleteTopicsWithPrefix, LogCapture, testInfrastructure, testPool, uniqueTopicPrefix } from './infrastructure';

export type ServiceName = 'intake' | 'matching' | 'notification' | 'reporting';

interface ServiceDefinition {
  env: new () => ServiceEnv;
  module: (env: never, logger: Logger) => DynamicModule;
}

/**
 * Each service is loaded only when a test starts it: a file that runs matching alone never loads the other
 * three apps (no jest.mock needed to keep them out).
 */
const SERVICES: Record<ServiceName, () => Promise<ServiceDefinition>> = {
  intake: async () => {
    const [{ IntakeEnv }, { IntakeModule }] = await Promise.all([import('../../apps/intake/src/intake.env'), import('../../apps/intake/src/intake.module')]);
    return { env: IntakeEnv, module: (env: InstanceType<typeof IntakeEnv>, logger) => IntakeModule.forRoot(env, logger) };
  },
  matching: async () => {
    const [{ MatchingEnv }, { MatchingModule }] = await Promise.all([import('../../apps/matching/src/matching.env'), import('../../apps/matching/src/matching.module')]);
    return { env: MatchingEnv, module: (env: InstanceType<typeof MatchingEnv>, logger) => MatchingModule.forRoot(env, logger) };
  },
  notification: async () => {
    const [{ NotificationEnv }, { NotificationModule }] = await Promise.all([
      import('../../apps/notification/src/notification.env'), import('../../apps/notification/src/notification.module'),
    ]);
    return { env: NotificationEnv, module: (env: InstanceType<typeof NotificationEnv>, logger) => NotificationModule.forRoot(env, logger) };
  },
  reporting: async () => {
    const [{ ReportingEnv }, { ReportingModule }] = await Promise.all([import('../../apps/reporting/src/reporting.env'), import('../../apps/reporting/src/reporting.module')]);
    return { env: ReportingEnv, module: (env: InstanceType<typeof ReportingEnv>, logger) => ReportingModule.forRoot(env, logger) };
  },
};

export interface HarnessOptions {
  services?: ServiceName[];
  /** Settings for every service (e.g. retry budget). */
  env?: Record<string, string>;
  /** Settings for one service (e.g. the Twilio base URL for notification). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /**
   * An issuer already running elsewhere (the console tests' development identity process, whose OpenID provider
   * must share the issuer with the services), with one token per role for the harness's own calls.
   */
  externalIssuer?: { url: string; tokens: Record<Role, string> };
}

/**
 * The platform in one test process: each service is a real Nest application with its own HTTP port,
 * its own schema in a fresh database, and its own Kafka consumer group, on an isolated topic prefix.
 */
export class HarborHarness {
  readonly urls = {} as Record<ServiceName, string>;
  readonly apps = {} as Record<ServiceName, INestApplication>;
  readonly logs = new LogCapture();
  db!: Pool;
  topicPrefix = uniqueTopicPrefix();
  private issuer!: DevTokenIssuer;
  private external?: HarnessOptions['externalIssuer'];
  private dropDatabase?: () => Promise<void>;
  /** The fresh database every service of this harness uses (each in its own schema). */
  databaseUrl!: string;

  static async start(options: HarnessOptions = {}): Promise<HarborHarness> {
    const harness = new HarborHarness();
    await harness.boot(options);
    return harness;
  }

  topic(name: string): string {
    return `${this.topicPrefix}${name}`;
  }

  async token(role: Role, subject?: string): Promise<string> {
    if (this.external) return this.external.tokens[role];
    return this.issuer.issue([role], subject);
  }

  /** The development issuer the services trust, for tests that forge tokens it would not give out. */
  get tokenIssuer(): DevTokenIssuer {
    return this.issuer;
  }

  /** Starts one more instance of a service on the same database and topics (a second replica). */
  async startReplica(service: ServiceName, options: HarnessOptions = {}): Promise<INestApplication> {
    return this.startService(service, options);
  }

  /** The Prometheus endpoint of a service (or of one replica), on its own port. */
  metricsUrl(service: ServiceName | INestApplication): string {
    return (typeof service === 'string' ? this.apps[service] : service).get(MetricsServer).url;
  }

  /** Prometheus text of a service or replica. */
  async scrape(service: ServiceName | INestApplication): Promise<string> {
    const response = await fetch(this.metricsUrl(service));
    if (!response.ok) throw new Error(`metrics answered ${response.status}`);
    return response.text();
  }

  async request(service: ServiceName, path: string, init: RequestInit & { role?: Role } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.role) headers.set('authorization', `Bearer ${await this.token(init.role)}`);
    if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(`${this.urls[service]}${path}`, { ...init, headers });
  }

  async stop(): Promise<void> {
    await Promise.all(Object.values(this.apps).map((app) => app.close()));
    await this.db?.end();
    await this.issuer?.stop();
    await this.dropDatabase?.();
    await deleteTopicsWithPrefix(this.topicPrefix);
  }

  private async boot(options: HarnessOptions): Promise<void> {
    const database = await createTestDatabase();
    this.databaseUrl = database.url;
    this.dropDatabase = database.drop;
    this.db = testPool(database.url, 3);
    this.external = options.externalIssuer;
    if (!this.external) this.issuer = await DevTokenIssuer.start();
    const services = options.services ?? (['intake', 'matching', 'notification', 'reporting'] as ServiceName[]);
    const started = await Promise.all(services.map((service) => this.startService(service, options)));
    services.forEach((service, index) => (this.apps[service] = started[index]));
    await Promise.all(services.map(async (service) => (this.urls[service] = (await this.apps[service].getUrl()).replace('[::1]', '127.0.0.1'))));
  }

  private async startService(service: ServiceName, options: HarnessOptions): Promise<INestApplication> {
    const definition = await SERVICES[service]();
    const env = loadConfig(definition.env, {
      DATABASE_URL: this.databaseUrl,
      KAFKA_BROKERS: testInfrastructure().brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      KAFKA_RETRY_BASE_MS: '50',
      AUTH_ISSUER: this.external?.url ?? this.issuer.issuer,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...options.env,
      ...options.serviceEnv?.[service],
    });
    const logger = createLogger(service, 'info', this.logs.stream);
    const app = await createServiceApp(definition.module(env as never, logger), { host: '127.0.0.1', port: 0 }, logger);
    await app.listen(0, '127.0.0.1');
    return app;
  }
}
