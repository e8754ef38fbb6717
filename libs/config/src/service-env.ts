import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Matches, Max, Min, registerDecorator, ValidationArguments } from 'class-validator';
import type { KafkaConnectionOptions, KafkaSaslMechanism } from '@harbor/messaging';
import {
  kafkaConnectionOptions, KafkaSaslCredentialRule, KafkaSaslMechanismRule, KafkaSslCaRule, KafkaSslCertRule, KafkaSslKeyRule,
} from './kafka-security';
import { HttpsInProduction, NoDevelopmentPasswordInProduction } from './production-rules';
import { parseRoleMap, RoleClaimSettings } from '@harbor/auth';

/** Decimal integers only: `Number()` alone would turn ' ' into 0 and accept '0x10' or '1e3'; anything else is NaN and fails @IsInt. */
export const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (/^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN) : value;
/** An integer setting within [min, max]: decimal text converted by `toInt`, then checked (one decorator, not four). */
export function IntSetting(min: number, max: number): PropertyDecorator {
  return (target, property) => {
    for (const decorate of [Transform(toInt), IsInt(), Min(min), Max(max)]) decorate(target, property as string);
  };
}
/** A comma-separated list, items trimmed, empty items dropped. */
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value;
/** true/1/yes and false/0/no (any case); anything else is left as text, so @IsBoolean names the variable. */
export const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? ({ true: true, '1': true, yes: true, false: false, '0': false, no: false } as Record<string, boolean>)[value.trim().toLowerCase()] ?? value : value;

/** METRICS_PORT may be anything but HTTP_PORT (both 0, "any free port", never collide). */
function NotTheApiPort() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'notTheApiPort',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => value === 0 || value !== (args.object as { HTTP_PORT?: unknown }).HTTP_PORT,
        defaultMessage: () => 'must differ from HTTP_PORT: metrics are never served on the API port',
      },
    });
}

/** AUTH_ROLE_MAP must parse into a map of names to Harbor roles; the message says what is wrong. */
function RoleMapRule() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'roleMap',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && roleMapProblem(value) === undefined,
        defaultMessage: (args?: ValidationArguments) => roleMapProblem(String(args?.value)) ?? 'must be a JSON object',
      },
    });
}

function roleMapProblem(value: string): string | undefined {
  try {
    parseRoleMap(value);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Settings every Harbor service reads. Each app extends this with its own variables, so a service's
 * whole configuration is one validated class and the README's table can be checked against it.
 */
export const HARBOR_ENVS = ['development', 'production'] as const;

export class ServiceEnv {
  /**
   * `production` refuses every development convenience (see production-rules.ts): published secrets and
   * passwords, the development token issuer, plain-HTTP URLs that carry credentials, pages printed to the
   * log. `development` (the default) allows them.
   */
  @IsIn(HARBOR_ENVS)
  HARBOR_ENV: (typeof HARBOR_ENVS)[number] = 'development';

  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// connection URL' })
  @NoDevelopmentPasswordInProduction()
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

  /**
   * `true`: the service creates its schema and applies pending migrations when it starts (one role does
   * everything). `false` (production): a separate `migrate` step, run with the migration role, does that, and
   * the service refuses to start while a migration is pending, so its own role needs no CREATE.
   */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  DATABASE_MIGRATE_ON_START = true;

  /**
   * Parameterised statements each database connection keeps prepared (the most recently used), so Postgres
   * parses and plans them once per connection (again every 10 s) instead of on every run. 0 turns it off (needed behind a pooler
   * that does not keep named statements, such as PgBouncer in transaction mode before 1.21).
   */
  @IntSetting(0, 10_000)
  DATABASE_PREPARED_STATEMENTS = 100;

  /** Connections in the service's pool, at most (replicas × this must stay under Postgres's max_connections). */
  @IntSetting(1, 200)
  DATABASE_POOL_SIZE = 10;

  /**
   * Seconds an idle pooled connection stays open (0: until the service stops). A new connection is a new Postgres
   * backend that warms its caches and prepares its statements again, so connections are kept through the lulls of
   * a normal day; pg's own default of 10 s opened one every few seconds at a trickle.
   */
  @IntSetting(0, 86_400)
  DATABASE_POOL_IDLE_SECONDS = 300;

  @Transform(toList)
  @ArrayNotEmpty()
  @Matches(/^[^\s:]+:\d+$/, { each: true, message: 'must be a comma-separated list of host:port' })
  KAFKA_BROKERS: string[] = ['127.0.0.1:9092'];

  /** TLS to the brokers (Strimzi: a listener with `tls: true`). */
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_SSL = false;

  /** PEM CA bundle the brokers' certificates chain to; unset: the system's trusted CAs. May come from KAFKA_SSL_CA_FILE. */
  @KafkaSslCaRule()
  KAFKA_SSL_CA?: string;

  /** PEM client certificate for mutual TLS, with KAFKA_SSL_KEY. May come from KAFKA_SSL_CERT_FILE. */
  @KafkaSslCertRule()
  KAFKA_SSL_CERT?: string;

  /** PEM private key of KAFKA_SSL_CERT, unencrypted. May come from KAFKA_SSL_KEY_FILE. */
  @KafkaSslKeyRule()
  KAFKA_SSL_KEY?: string;

  /** SASL authentication: scram-sha-512, scram-sha-256 or plain (plain only with KAFKA_SSL). Unset: none. */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @KafkaSaslMechanismRule()
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  @KafkaSaslCredentialRule('KAFKA_SASL_USERNAME')
  KAFKA_SASL_USERNAME?: string;

  /** May come from KAFKA_SASL_PASSWORD_FILE (Strimzi: the KafkaUser secret's `password`). */
  @KafkaSaslCredentialRule('KAFKA_SASL_PASSWORD')
  KAFKA_SASL_PASSWORD?: string;

  /**
   * Whether the service creates its missing topics (and aligns their declared config) at start. Unset: yes in
   * development, no in production, where topics are resources of their own (Strimzi KafkaTopic) and a missing
   * one stops the start naming it.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'must be true or false' })
  KAFKA_CREATE_TOPICS?: boolean;

  /** Prepended to every topic name; lets test runs and tenants share a cluster without colliding. */
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  KAFKA_TOPIC_PREFIX = '';

  @IntSetting(1, 20)
  KAFKA_RETRY_ATTEMPTS = 5;

  @IntSetting(10, 60_000)
  KAFKA_RETRY_BASE_MS = 200;

  /**
   * How long a consumer that stops heartbeating keeps its partitions. It bounds recovery after a crash: a
   * restarted replica joins only once the dead member's session expired. 6 s is the broker's default minimum.
   */
  @IntSetting(6_000, 300_000)
  KAFKA_SESSION_TIMEOUT_MS = 6_000;

  /**
   * How often a consumer commits the offsets of records it applied (0: after every chunk). Later commits widen
   * only what a crash redelivers, which the idempotent consumer absorbs; fewer commits spare the broker a request
   * per record at a trickle.
   */
  @IntSetting(0, 60_000)
  KAFKA_OFFSET_COMMIT_INTERVAL_MS = 1_000;

  /**
   * How many bytes a consumer's fetch waits for before the broker answers; it never waits longer than the
   * heartbeat interval (1 s). 1 (the default) hands over each record as it arrives, for services on the page's
   * path; a service off it (reporting) sets more to apply records in bigger, fewer transactions.
   */
  @IntSetting(1, 10 * 1024 * 1024)
  KAFKA_FETCH_MIN_BYTES = 1;

  /**
   * Records a consumer applies in one database transaction (one commit instead of one per record).
   * Consumers whose handlers call outside systems declare 1 themselves.
   */
  @IntSetting(1, 500)
  KAFKA_CONSUMER_BATCH_SIZE = 50;

  /**
   * How long the dead-letter topics keep a record (every `<topic>.dlq` this service creates). Long enough to act
   * on an alert over a weekend, short because an inbound dead letter still names clinicians (docs/security.md).
   */
  @IntSetting(1, 336)
  KAFKA_DEAD_LETTER_RETENTION_HOURS = 72;

  @IsString()
  HTTP_HOST = '127.0.0.1';

  /** Each service sets its own default; 0 picks any free port (used by tests). */
  @IntSetting(0, 65535)
  HTTP_PORT = 0;

  /** The default is the development token issuer (`npm start`, tests), which signs tokens for any role. */
  /**
   * Prometheus text (GET /metrics) is served on a port of its own, never on the API port, so exposing the API
   * (ingress, a source system's network) never exposes the metrics. Reachable by the scraper only. Unset: the
   * interface of HTTP_HOST (in a pod, the pod IP; no Service or Ingress routes to the metrics port).
   */
  @IsOptional()
  @IsString()
  METRICS_HOST?: string;

  /** Each service sets its own default; 0 picks any free port (used by tests). */
  @IntSetting(0, 65535)
  @NotTheApiPort()
  METRICS_PORT = 0;

  @IsString()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'must be an absolute URL' })
  @HttpsInProduction("the hospital's identity provider; the default trusts the development token issuer at http://127.0.0.1:3999")
  AUTH_ISSUER = 'http://127.0.0.1:3999';

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true }, { message: 'must be an absolute URL' })
  @HttpsInProduction('the keys every token is checked against must not be open to tampering on the way')
  AUTH_JWKS_URL?: string;

  @IsString()
  AUTH_AUDIENCE = 'harbor';

  /**
   * Where tokens carry the caller's roles: dotted claim paths, comma-separated, their roles added up. `roles`
   * (Harbor's issuer, Entra ID app roles), `realm_access.roles` or `resource_access.<client>.roles` (Keycloak),
   * `groups` (Okta, Entra ID groups). docs/identity.md.
   */
  @Transform(toList)
  @ArrayNotEmpty({ message: 'must name at least one claim' })
  @Matches(/^[^\s.]+(\.[^\s.]+)*$/, { each: true, message: 'must be dotted claim paths (e.g. realm_access.roles), comma-separated' })
  AUTH_ROLES_CLAIM: string[] = ['roles'];

  /**
   * JSON object from the identity provider's role or group names (Entra ID: group object ids) to Harbor roles.
   * Unset: the names in the roles claim must be Harbor's role names. Set: only mapped names grant roles.
   */
  @IsOptional()
  @RoleMapRule()
  AUTH_ROLE_MAP?: string;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /**
   * OpenTelemetry traces: `none` (default, tracing off), `otlp` (OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT) or
   * `console` (stdout, for a look while debugging). Read at process start by libs/observability/src/tracing-bootstrap.ts.
   */
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsIn(['none', 'otlp', 'console'], { message: 'must be none, otlp or console' })
  OTEL_TRACES_EXPORTER = 'none';

  /** The OpenTelemetry collector's OTLP/HTTP base URL; traces go to `<url>/v1/traces`. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http:// or https:// URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** Share of new traces recorded, 0–1 (traces that arrive sampled stay sampled). */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\s*(0(\.\d+)?|1(\.0+)?)\s*$/.test(value) ? Number(value) : value))
  @IsNumber({}, { message: 'must be a number from 0 to 1' })
  @Min(0)
  @Max(1)
  OTEL_TRACES_SAMPLER_ARG?: number;

  /** The service.name of traces; default `harbor-<service>`. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'may contain only letters, digits, ".", "_" and "-"' })
  OTEL_SERVICE_NAME?: string;

  /** Where and how the service's Kafka clients connect. */
  get kafkaConnection(): KafkaConnectionOptions {
    return kafkaConnectionOptions(this.KAFKA_BROKERS, this);
  }

  get createKafkaTopics(): boolean {
    return this.KAFKA_CREATE_TOPICS ?? this.HARBOR_ENV !== 'production';
  }

  /** Where the metrics port listens: METRICS_HOST, or HTTP_HOST's interface. */
  get metricsHost(): string {
    return this.METRICS_HOST ?? this.HTTP_HOST;
  }

  /** Where the roles are in a token and what the provider's names mean (AUTH_ROLES_CLAIM, AUTH_ROLE_MAP). */
  get roleClaims(): RoleClaimSettings {
    return { paths: this.AUTH_ROLES_CLAIM, map: this.AUTH_ROLE_MAP ? parseRoleMap(this.AUTH_ROLE_MAP) : undefined };
  }

  /** The JWKS location: explicit, or the issuer's well-known path. */
  get jwksUrl(): string {
    return this.AUTH_JWKS_URL ?? `${this.AUTH_ISSUER.replace(/\/$/, '')}/.well-known/jwks.json`;
  }
}

