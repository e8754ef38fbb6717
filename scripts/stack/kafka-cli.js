// `npm run kafka:start` / `npm run kafka:stop`: the local broker on its own, e.g. for running tests repeatedly.
'use strict';
const path = require('node:path');
const { ensureLocalKafka, stopLocalKafka, ROOT } = require('./local-kafka');

const command = process.argv[2];
const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:9092';
const pidFile = path.join(ROOT, '.harbor', 'kafka', 'kafka.pid');
(async () => {
  if (command === 'start') await ensureLocalKafka({ brokers });
  else if (command === 'stop') await stopLocalKafka(pidFile);
  else throw new Error('usage: kafka-cli.js start|stop');
})().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
