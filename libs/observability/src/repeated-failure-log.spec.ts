import { Logger } from 'pino';
import { RepeatedFailureLog } from './repeated-failure-log';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => lines.push({ level, fields, message });
  return { logger: { error: at('error'), info: at('info') } as unknown as Logger, lines };
}

describe('RepeatedFailureLog', () => {
  it('logs the first failure, then at most one line per interval while it keeps failing, and one when it works again', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const log = new RepeatedFailureLog(logger, 'outbox relay', 30_000, () => now);
    // Ten minutes of failures every 500 ms.
    for (; now < 600_000; now += 500) log.failed(new Error('connect ECONNREFUSED'));
    log.succeeded();
    expect(lines[0]).toEqual({ level: 'error', fields: { err: 'connect ECONNREFUSED' }, message: 'outbox relay failed; will retry' });
    expect(lines[1]).toEqual({ level: 'error', fields: { err: 'connect ECONNREFUSED', failures: 61, failingForSeconds: 30 }, message: 'outbox relay still failing; will retry' });
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(20);
    expect(lines[lines.length - 1]).toEqual({ level: 'info', fields: { failures: 1200, failedForSeconds: 600 }, message: 'outbox relay works again' });
  });

  it('says nothing on success without a failure, and starts afresh after a recovery', () => {
    const { logger, lines } = recordingLogger();
    let now = 0;
    const log = new RepeatedFailureLog(logger, 'dispatcher', 30_000, () => now);
    log.succeeded();
    expect(lines).toEqual([]);
    log.failed('a string');
    now = 1_000;
    log.succeeded();
    now = 2_000;
    log.failed(new Error('again'));
    expect(lines.map((line) => line.message)).toEqual(['dispatcher failed; will retry', 'dispatcher works again', 'dispatcher failed; will retry']);
    expect(lines[0].fields).toEqual({ err: 'a string' });
  });
});
