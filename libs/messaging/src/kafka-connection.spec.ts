import { logLevel } from 'kafkajs';
import { kafkajsLogLevel, kafkajsLogLine } from './kafka-connection';

describe('kafkajsLogLevel', () => {
  it('keeps the start-up races at debug: a lost topic creation, a new topic without a leader yet', () => {
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response CreateTopics(key: 19, version: 3)', 'Topic creation errors')).toBe('debug');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)',
      'There is no leader for this topic-partition as we are in the middle of a leadership election')).toBe('debug');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', 'This server does not host this topic-partition')).toBe('debug');
  });

  it('leaves every other error response an error, an authorization failure above all', () => {
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', 'Not authorized to access topics: [Topic authorization failed]')).toBe('error');
    expect(kafkajsLogLevel(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', 'This server does not host this topic-partition')).toBe('error');
    expect(kafkajsLogLevel(logLevel.WARN, 'Connection timeout')).toBe('warn');
    expect(kafkajsLogLevel(logLevel.INFO, 'Consumer has joined the group')).toBe('debug');
  });
});

describe('kafkajsLogLine', () => {
  it('takes an Error kafkajs passes as the message (a broker connection that failed for good) without throwing', () => {
    const log = { message: new Error('SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET'), retryCount: 0, timestamp: 'now', logger: 'kafkajs', namespace: 'BrokerPool', label: 'ERROR' };
    expect(kafkajsLogLine(logLevel.ERROR, log as never)).toEqual({
      method: 'error', message: 'SASL SCRAM SHA512 authentication failed: Connection error: read ECONNRESET', error: undefined, broker: undefined,
    });
  });

  it('keeps a text message, its error and broker as they are', () => {
    const log = { message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition', broker: 'kafka-0:9092', timestamp: 'now', logger: 'kafkajs', namespace: 'Connection', label: 'ERROR' };
    expect(kafkajsLogLine(logLevel.ERROR, log as never)).toEqual({
      method: 'debug', message: 'Response Metadata(key: 3, version: 6)', error: 'This server does not host this topic-partition', broker: 'kafka-0:9092',
    });
  });
});
