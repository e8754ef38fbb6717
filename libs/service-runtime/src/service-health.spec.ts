import { isReady, ReadinessChecks } from './service-health';

const healthy: ReadinessChecks = { lifecycle: 'running', database: 'up', kafkaProducer: 'connected', kafkaConsumer: 'joined' };

describe('isReady', () => {
  it('is ready when everything the service needs is there', () => {
    expect(isReady(healthy)).toBe(true);
    expect(isReady({ ...healthy, kafkaConsumer: 'none' })).toBe(true);
  });

  it.each<[string, Partial<ReadinessChecks>]>([
    ['the database does not answer', { database: 'down' }],
    ['the producer is still connecting', { kafkaProducer: 'connecting' }],
    ['the producer disconnected', { kafkaProducer: 'disconnected' }],
    ['the consumer group is not joined yet', { kafkaConsumer: 'starting' }],
    ['the consumer is rejoining after a broker outage', { kafkaConsumer: 'rejoining' }],
    ['the consumer crashed for good', { kafkaConsumer: 'crashed' }],
    ['the consumer stopped', { kafkaConsumer: 'stopped' }],
    ['the service is shutting down', { lifecycle: 'shutting-down' }],
    ['the service failed', { lifecycle: 'failed' }],
  ])('is not ready when %s', (_case, change) => {
    expect(isReady({ ...healthy, ...change })).toBe(false);
  });
});
