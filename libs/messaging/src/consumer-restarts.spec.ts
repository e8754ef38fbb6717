import * as kafkajs from 'kafkajs';
import { ConsumerRestartPolicy } from './consumer-restarts';

type ErrorClass = new (message: unknown, options?: object) => Error;
const { KafkaJSGroupCoordinatorNotFound, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } = kafkajs as unknown as Record<string, ErrorClass>;

const handshakeReset = () => new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET');
const noCoordinator = () => new KafkaJSGroupCoordinatorNotFound('Failed to find group coordinator');

describe('ConsumerRestartPolicy', () => {
  it('restarts after a broker outage for as long as it lasts, backing off to the cap', () => {
    const policy = new ConsumerRestartPolicy(10_000, 5_000);
    const delays = Array.from({ length: 8 }, (_, minute) => policy.afterCrash(handshakeReset(), minute * 60_000));
    expect(delays.map((verdict) => (verdict.restart ? verdict.inMs : 'gave up'))).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it('waits for a coordinator from a broker that answers during the grace only, then gives up (a denied group)', () => {
    const policy = new ConsumerRestartPolicy(10_000);
    expect(policy.afterCrash(noCoordinator(), 1_000)).toMatchObject({ restart: true, kind: 'no-coordinator' });
    expect(policy.afterCrash(noCoordinator(), 10_999)).toMatchObject({ restart: true });
    expect(policy.afterCrash(noCoordinator(), 11_000)).toEqual({ restart: false });
  });

  it('calls no coordinator from a broker that does not answer an outage, and waits it out', () => {
    const policy = new ConsumerRestartPolicy(10_000);
    expect(ConsumerRestartPolicy.asksWhetherBrokerAnswers(noCoordinator())).toBe(true);
    expect(ConsumerRestartPolicy.asksWhetherBrokerAnswers(handshakeReset())).toBe(false);
    for (const at of [0, 30_000, 120_000]) expect(policy.afterCrash(noCoordinator(), at, false)).toMatchObject({ restart: true, kind: 'outage' });
    // The broker is back and still names no coordinator: the grace starts now, not at the first crash.
    expect(policy.afterCrash(noCoordinator(), 125_000, true)).toMatchObject({ restart: true, kind: 'no-coordinator' });
    expect(policy.afterCrash(noCoordinator(), 135_000, true)).toEqual({ restart: false });
  });

  it('starts afresh once the group was joined again', () => {
    const policy = new ConsumerRestartPolicy(10_000);
    policy.afterCrash(noCoordinator(), 0);
    policy.afterCrash(handshakeReset(), 1_000);
    policy.joined();
    expect(policy.afterCrash(noCoordinator(), 60_000)).toEqual({ restart: true, inMs: 500, kind: 'no-coordinator' });
    expect(policy.afterCrash(noCoordinator(), 69_000)).toMatchObject({ restart: true });
  });

  it('never restarts after an error no retry fixes', () => {
    const policy = new ConsumerRestartPolicy();
    const denied = new KafkaJSProtocolError({ type: 'TOPIC_AUTHORIZATION_FAILED', message: 'Not authorized', code: 29, retriable: false });
    expect(policy.afterCrash(denied, 0)).toEqual({ restart: false });
    expect(policy.afterCrash(new KafkaJSSASLAuthenticationError('SASL SCRAM SHA512 authentication failed: invalid credentials'), 0)).toEqual({ restart: false });
  });
});
