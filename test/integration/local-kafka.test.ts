import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/secured-kafka';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const localKafka = require('../../scripts/stack/local-kafka.js');

interface Started {
  started: boolean;
  pidFile?: string;
}

/** Whether nothing listens on `port` of 127.0.0.1. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A free port whose next one is free too (the local broker's controller listens there). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (await isFree(port + 1)) return port;
  }
}

/** The dev stack's broker, as `npm start` and `npm test` start it when none answers (scripts/stack/local-kafka.js). */
describe('the local Kafka starter', () => {
  it('starts one broker when two commands ask at once: one starts it, the other waits for it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'harbor-local-kafka-'));
    const port = await freePortPair();
    const brokers = `127.0.0.1:${port}`;
    const results = await Promise.allSettled([
      localKafka.ensureLocalKafka({ brokers, dataDir, heapMb: 256 }) as Promise<Started>,
      localKafka.ensureLocalKafka({ brokers, dataDir, heapMb: 256 }) as Promise<Started>,
    ]);
    const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(started.map((result) => result.started).sort()).toEqual([false, true]);
      expect(await localKafka.answers('127.0.0.1', port)).toBe(true);
      expect(existsSync(join(dataDir, 'start.lock'))).toBe(false);
    } finally {
      for (const result of started) if (result.started) await localKafka.stopLocalKafka(result.pidFile);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
