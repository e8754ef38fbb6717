import * as kafkajs from 'kafkajs';
import pino from 'pino';
import { KafkaConnectionOptions } from './kafka-connection';
import { classifyKafkaError, consumerCrashKind, explainKafkaError, KafkaStartupError, MissingTopicsError, retryKafkaStartup } from './kafka-problems';

// The classes kafkajs really throws; its type declarations omit some of them and their options.
type ErrorClass = new (message: unknown, options?: object) => Error;
const { KafkaJSConnectionClosedError, KafkaJSConnectionError, KafkaJSGroupCoordinatorNotFound, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } =
  kafkajs as unknown as Record<string, ErrorClass>;

const brokers = ['kafka-0.kafka:9093'];
const scram: KafkaConnectionOptions = { brokers, ssl: {}, sasl: { mechanism: 'scram-sha-512', username: 'harbor-intake', password: 'hunter2-secret' } };
const plaintext: KafkaConnectionOptions = { brokers };
const tlsOnly: KafkaConnectionOptions = { brokers, ssl: { ca: 'pem' } };
const retried = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 3, retryTime: 1000 });
const authorization = (type: string) => new KafkaJSProtocolError({ type, message: `Not authorized (${type})`, code: 30, retriable: false });

describe('explainKafkaError', () => {
  it('names the SASL settings when the credentials are refused, and never the password', () => {
    const error = new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: invalid credentials');
    expect(classifyKafkaError(error)).toBe('authentication');
    const text = explainKafkaError(error, scram);
    expect(text).toMatch(/refused the SASL credentials of user "harbor-intake" \(scram-sha-512\): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM/);
    expect(text).not.toContain('hunter2');
  });

  it.each([
    'SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET',
    'SASL SCRAM SHA256 authentication failed: Closed connection',
    'SASL PLAIN authentication failed: Request SaslAuthenticate(key: 36, version: 1) timed out',
  ])('does not blame the credentials when the connection failed during the SASL handshake ("%s")', (message) => {
    const error = new KafkaJSSASLAuthenticationError(message);
    expect(classifyKafkaError(error)).toBe('transient');
    expect(explainKafkaError(error, scram)).toMatch(/^Kafka at kafka-0\.kafka:9093 \(KAFKA_BROKERS\) is not usable/);
  });

  it('suggests TLS, then SASL, when the broker closes the connection without answering', () => {
    const closed = retried(new KafkaJSConnectionClosedError('Closed connection', { host: 'kafka-0.kafka', port: 9093 }));
    expect(classifyKafkaError(closed)).toBe('closed');
    expect(explainKafkaError(closed, plaintext)).toMatch(/closed the connection before answering: its listener may expect TLS \(set KAFKA_SSL=true/);
    expect(explainKafkaError(closed, tlsOnly)).toMatch(/may expect SASL authentication \(set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\)/);
    expect(explainKafkaError(closed, tlsOnly)).not.toMatch(/KAFKA_SSL=true/);
  });

  it.each([
    ['Connection error: self-signed certificate in certificate chain', /check KAFKA_SSL_CA/],
    ['Connection error: unable to verify the first certificate', /check KAFKA_SSL_CA/],
    ['Connection error: 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number', /does not speak TLS on that port: .*KAFKA_SSL=false/],
    ['Connection error: error:0A000412:SSL routines:ssl3_read_bytes:sslv3 alert bad certificate:SSL alert number 42', /refused this client's certificate: check KAFKA_SSL_CERT and KAFKA_SSL_KEY/],
  ])('explains the TLS failure "%s"', (message, expected) => {
    const error = retried(new KafkaJSConnectionError(message, { broker: brokers[0] }));
    expect(classifyKafkaError(error)).toBe('tls');
    expect(explainKafkaError(error, scram)).toMatch(expected);
  });

  it.each(['TOPIC_AUTHORIZATION_FAILED', 'GROUP_AUTHORIZATION_FAILED', 'CLUSTER_AUTHORIZATION_FAILED'])('reports an ACL denial (%s) with the user it concerns', (type) => {
    const error = authorization(type);
    expect(classifyKafkaError(error)).toBe('authorization');
    expect(explainKafkaError(error, scram)).toMatch(new RegExp(`Kafka denied user "harbor-intake": ${type}`));
  });

  it('explains the coordinator kafkajs could not find as the group ACL it usually is', () => {
    const error = new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator');
    expect(classifyKafkaError(error)).toBe('authorization');
    expect(explainKafkaError(error, scram)).toMatch(/GROUP_AUTHORIZATION_FAILED.*grant user "harbor-intake" Read on its consumer group/);
  });

  it('lists missing topics as they are', () => {
    const error = new MissingTopicsError(['incidents.reported.v1', 'incidents.reported.v1.dlq']);
    expect(classifyKafkaError(error)).toBe('missing-topics');
    expect(explainKafkaError(error, scram)).toMatch(/^Kafka topics missing: incidents\.reported\.v1, incidents\.reported\.v1\.dlq\. KAFKA_CREATE_TOPICS is off/);
  });

  it('treats a broker that is not there as something to wait for', () => {
    const error = retried(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 10.0.0.1:9093', { broker: brokers[0], code: 'ECONNREFUSED' }));
    expect(classifyKafkaError(error)).toBe('transient');
    expect(explainKafkaError(error, scram)).toMatch(/Kafka at kafka-0\.kafka:9093 \(KAFKA_BROKERS\) is not usable: Connection error: connect ECONNREFUSED/);
  });
});

describe('retryKafkaStartup', () => {
  const logger = pino({ level: 'silent' });

  it('stops at the first refusal no retry can fix', async () => {
    let calls = 0;
    const step = async () => {
      calls++;
      throw new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed');
    };
    await expect(retryKafkaStartup(step, scram, logger)).rejects.toThrow(KafkaStartupError);
    expect(calls).toBe(1);
  });

  it('retries a handshake the broker cut short, as it does while restarting', async () => {
    let calls = 0;
    const step = async () => {
      if (++calls < 3) throw new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET');
      return 'connected';
    };
    await expect(retryKafkaStartup(step, scram, logger)).resolves.toBe('connected');
    expect(calls).toBe(3);
  });

  it('gives up on a listener that closes every connection after a few attempts', async () => {
    let calls = 0;
    const step = async () => {
      calls++;
      throw new KafkaJSConnectionClosedError('Closed connection', { host: 'kafka', port: 9093 });
    };
    await expect(retryKafkaStartup(step, plaintext, logger, { closedAttempts: 3 })).rejects.toThrow(/set KAFKA_SSL=true/);
    expect(calls).toBe(3);
  });

  it('waits for a broker that is still starting, then goes on', async () => {
    let calls = 0;
    const step = async () => {
      if (++calls < 3) throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' });
      return 'connected';
    };
    await expect(retryKafkaStartup(step, scram, logger)).resolves.toBe('connected');
    expect(calls).toBe(3);
  });

  it('gives up on an unreachable broker at the deadline, saying where it looked', async () => {
    const step = async () => {
      throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', { code: 'ECONNREFUSED' });
    };
    await expect(retryKafkaStartup(step, scram, logger, { deadlineMs: 300 })).rejects.toThrow(/Kafka at kafka-0\.kafka:9093 \(KAFKA_BROKERS\) is not usable/);
  });
});

describe('consumerCrashKind', () => {
  it.each([
    ['a SASL handshake the broker reset', new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET'), 'outage'],
    ['a connection error', new KafkaJSConnectionError('Connection error: read ECONNRESET', { broker: brokers[0] }), 'outage'],
    ['a closed connection after retries', retried(new KafkaJSConnectionClosedError('Closed connection', { host: 'kafka', port: 9093 })), 'outage'],
    ['no coordinator named', new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator'), 'no-coordinator'],
    ['refused credentials', new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: invalid credentials'), 'other'],
    ['a topic ACL denial', authorization('TOPIC_AUTHORIZATION_FAILED'), 'other'],
    ['an untrusted certificate', new KafkaJSConnectionError('Connection error: self-signed certificate in certificate chain', { broker: brokers[0] }), 'other'],
  ])('calls %s a crash of kind %s', (_case, error, kind) => {
    expect(consumerCrashKind(error)).toBe(kind);
  });
});
