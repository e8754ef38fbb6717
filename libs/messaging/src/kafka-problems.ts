import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from 'pino';
import type { KafkaConnectionOptions } from './kafka-connection';

/** What a failed Kafka call says about the setup, so start-up can stop with the variable to fix. */
export type KafkaProblemKind = 'authentication' | 'authorization' | 'tls' | 'closed' | 'missing-topics' | 'transient';

/** Start-up found a topic missing while the service may not create topics. */
export class MissingTopicsError extends Error {
  constructor(readonly topics: string[]) {
    super(
      `Kafka topics missing: ${topics.join(', ')}. KAFKA_CREATE_TOPICS is off (the default in production), so this service ` +
        'does not create them: create them first (deploy/ holds a KafkaTopic for each), or check KAFKA_TOPIC_PREFIX and ' +
        "that this service's user may Describe them",
    );
    this.name = 'MissingTopicsError';
  }
}

/** Start-up could not use Kafka; the message says what to change. */
export class KafkaStartupError extends Error {
  constructor(
    message: string,
    readonly kind: KafkaProblemKind,
  ) {
    super(message);
    this.name = 'KafkaStartupError';
  }
}

interface KafkaErrorLike {
  name?: string;
  message?: string;
  type?: string;
  code?: string;
  broker?: string;
  cause?: unknown;
}

/** kafkajs wraps the error that decided the outcome (KafkaJSNumberOfRetriesExceeded → its cause). */
function rootCause(error: unknown): KafkaErrorLike {
  let current = error as KafkaErrorLike;
  while (current?.cause && typeof current.cause === 'object') current = current.cause as KafkaErrorLike;
  return current ?? {};
}

const AUTHORIZATION_TYPES = ['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'];
const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|ALTNAME/;
const TLS_MESSAGES = /certificate|SSL routines|ssl3_|wrong version number|\bTLS\b/;
/**
 * kafkajs wraps whatever ends a SASL handshake in a (non-retriable) authentication error, a connection the broker
 * reset while restarting included: those texts mean the credentials were never judged.
 */
const CONNECTION_FAILURE_IN_HANDSHAKE = /Connection error|Closed connection|Connection closed|Connection timeout|timed out|Not connected|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket hang up/i;
const CONNECTION_ERROR_NAMES = ['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound'];

/** The SASL "failure" was the connection going away mid-handshake, not a refusal of the credentials. */
function handshakeInterrupted(cause: KafkaErrorLike): boolean {
  return cause.name === 'KafkaJSSASLAuthenticationError' && CONNECTION_FAILURE_IN_HANDSHAKE.test(cause.message ?? '');
}

export function classifyKafkaError(error: unknown): KafkaProblemKind {
  if (error instanceof MissingTopicsError) return 'missing-topics';
  const cause = rootCause(error);
  if (handshakeInterrupted(cause)) return 'transient';
  if (cause.name === 'KafkaJSSASLAuthenticationError' || cause.type === 'SASL_AUTHENTICATION_FAILED') return 'authentication';
  if (cause.type && AUTHORIZATION_TYPES.includes(cause.type)) return 'authorization';
  // kafkajs replaces a refused FindCoordinator (GROUP_AUTHORIZATION_FAILED) by this, dropping the cause.
  if (cause.name === 'KafkaJSGroupCoordinatorNotFound') return 'authorization';
  if ((cause.code && TLS_CODES.test(cause.code)) || TLS_MESSAGES.test(cause.message ?? '')) return 'tls';
  if (cause.name === 'KafkaJSConnectionClosedError') return 'closed';
  return 'transient';
}

/**
 * What a consumer crash kafkajs will not restart from says: `outage` when a broker went away (a connection
 * failure, also one kafkajs reported as a SASL authentication failure), `no-coordinator` when no broker named a
 * group coordinator (kafkajs reports a denied group ACL and a coordinator still loading after a restart alike),
 * `other` for the rest (an ACL denial, a configuration no retry fixes).
 */
export type ConsumerCrashKind = 'outage' | 'no-coordinator' | 'other';

export function consumerCrashKind(error: unknown): ConsumerCrashKind {
  const cause = rootCause(error);
  if (classifyKafkaError(error) === 'tls') return 'other';
  if (handshakeInterrupted(cause) || (cause.name && CONNECTION_ERROR_NAMES.includes(cause.name))) return 'outage';
  if (cause.name === 'KafkaJSGroupCoordinatorNotFound') return 'no-coordinator';
  return 'other';
}

/** One sentence naming the settings to check; never the password or key material. */
export function explainKafkaError(error: unknown, connection: KafkaConnectionOptions): string {
  const cause = rootCause(error);
  const detail = cause.message ?? String(error);
  const who = connection.sasl ? `user "${connection.sasl.username}"` : 'this client (no SASL user)';
  switch (classifyKafkaError(error)) {
    case 'missing-topics':
      return (error as Error).message;
    case 'authentication':
      return `Kafka refused the SASL credentials of ${who} (${connection.sasl?.mechanism ?? 'no mechanism'}): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM (${detail})`;
    case 'authorization':
      if (!cause.type) {
        return (
          `Kafka named no coordinator for this service's consumer group. With ACLs this is how a denied group shows ` +
          `(GROUP_AUTHORIZATION_FAILED, reported by kafkajs as "${detail}"): grant ${who} Read on its consumer group ` +
          `(docs/operations.md, "Kafka security"); without ACLs, the brokers may be unable to elect one`
        );
      }
      return `Kafka denied ${who}: ${cause.type} (${detail}). Grant the ACLs this service needs (docs/operations.md, "Kafka security")`;
    case 'tls':
      if (/wrong version number|packet length too long/i.test(detail)) {
        return `The broker at ${connection.brokers.join(',')} does not speak TLS on that port: use its TLS listener in KAFKA_BROKERS, or KAFKA_SSL=false (${detail})`;
      }
      if (/bad certificate|certificate required|alert number 4[0-9]|alert number 116/i.test(detail)) {
        return `The broker refused this client's certificate: check KAFKA_SSL_CERT and KAFKA_SSL_KEY for its mutual-TLS listener (${detail})`;
      }
      return `TLS with Kafka failed: check KAFKA_SSL_CA (the CA that signed the brokers' certificates) and that KAFKA_BROKERS names hosts in those certificates (${detail})`;
    case 'closed': {
      const hints = [];
      if (!connection.ssl) hints.push('TLS (set KAFKA_SSL=true, and KAFKA_SSL_CA for a private CA)');
      if (!connection.sasl) hints.push('SASL authentication (set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD)');
      const expects = hints.length > 0 ? `its listener may expect ${hints.join(' or ')}` : 'the listener may expect another protocol, or the broker is restarting';
      return `Kafka at ${connection.brokers.join(',')} closed the connection before answering: ${expects} (KAFKA_BROKERS, KAFKA_SSL, KAFKA_SASL_MECHANISM)`;
    }
    default:
      return `Kafka at ${connection.brokers.join(',')} (KAFKA_BROKERS) is not usable: ${detail}`;
  }
}

export interface StartupRetryOptions {
  /** How long a broker that is down or restarting may take to answer. */
  deadlineMs?: number;
  /** A broker that closes every connection at once speaks another protocol: give up after this many in a row. */
  closedAttempts?: number;
}

/**
 * Runs a start-up step against Kafka. A broker that is down or busy is retried with backoff until the deadline;
 * what no retry fixes (credentials, certificates, ACLs, missing topics, a listener speaking another protocol)
 * stops at once with a KafkaStartupError naming the settings to check.
 */
export async function retryKafkaStartup<T>(step: () => Promise<T>, connection: KafkaConnectionOptions, logger: Logger, options: StartupRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.deadlineMs ?? 60_000);
  const closedAttempts = options.closedAttempts ?? 3;
  let closedInARow = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const kind = classifyKafkaError(error);
      closedInARow = kind === 'closed' ? closedInARow + 1 : 0;
      const permanent = kind === 'authentication' || kind === 'authorization' || kind === 'tls' || kind === 'missing-topics';
      if (permanent || closedInARow >= closedAttempts || Date.now() >= deadline) {
        throw new KafkaStartupError(explainKafkaError(error, connection), kind);
      }
      const delay = Math.min(2_000, 250 * 2 ** (attempt - 1));
      logger.warn({ attempt, err: rootCause(error).message, retryInMs: delay }, 'Kafka not ready at start-up; retrying');
      await sleep(delay);
    }
  }
}
