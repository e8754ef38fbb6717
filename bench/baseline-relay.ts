// The baseline: the same three Kafka hops and the final HTTP request as Harbor's path, relayed by bare
// kafkajs consumers and producers with no database, no validation and no outbox. Run as a child process.
import { Kafka, logLevel } from 'kafkajs';

async function main() {
  const brokers = process.env.KAFKA_BROKERS!.split(',');
  const [first, second, third] = process.env.BENCH_TOPICS!.split(',');
  const receiver = process.env.BENCH_RECEIVER_URL!;
  const kafka = new Kafka({ clientId: 'bench-baseline', brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const relay = async (from: string, to: string | undefined, group: string) => {
    const consumer = kafka.consumer({ groupId: group });
    await consumer.connect();
    await consumer.subscribe({ topic: from, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ message }) => {
        if (to) {
          await producer.send({ topic: to, messages: [{ key: message.key, value: message.value }] });
        } else {
          await fetch(`${receiver}/2010-04-01/Accounts/bench/Messages.json`, {
            method: 'POST',
            headers: { 'x-bench-id': message.key!.toString(), 'content-type': 'application/x-www-form-urlencoded' },
            body: 'To=%2B15550000000&Body=baseline',
          });
        }
      },
    });
    return consumer;
  };
  const consumers = [await relay(first, second, `${first}-relay`), await relay(second, third, `${second}-relay`), await relay(third, undefined, `${third}-relay`)];
  process.send?.('ready');
  process.on('SIGTERM', async () => {
    await Promise.all(consumers.map((consumer) => consumer.disconnect()));
    await producer.disconnect();
    process.exit(0);
  });
}

main().catch((error) => {
  process.stderr.write(`baseline relay failed: ${error.message}\n`);
  process.exit(1);
});
