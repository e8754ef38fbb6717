import { Logger } from 'pino';

/** How often a failure that keeps repeating is logged again: once a minute would hide a flapping start, once a second floods. */
export const REPEATED_FAILURE_LOG_INTERVAL_MS = 30_000;

/**
 * Logs a loop's failures without flooding: the first failure at error, then while it keeps failing at most one
 * line per interval with how many failures and for how long, and one line when it works again. A loop that retries
 * every 500 ms through a ten-minute outage (the outbox relay, the dispatcher) wrote 1,200 identical error lines;
 * it now writes about 21, and says when it recovered.
 */
export class RepeatedFailureLog {
  private failures = 0;
  private since = 0;
  private lastLogged = 0;

  constructor(
    private readonly logger: Logger,
    /** What failed, as the first words of the line (`outbox relay`). */
    private readonly what: string,
    private readonly intervalMs = REPEATED_FAILURE_LOG_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  failed(error: unknown): void {
    const at = this.now();
    const err = error instanceof Error ? error.message : String(error);
    this.failures++;
    if (this.failures === 1) {
      this.since = at;
      this.lastLogged = at;
      this.logger.error({ err }, `${this.what} failed; will retry`);
    } else if (at - this.lastLogged >= this.intervalMs) {
      this.lastLogged = at;
      this.logger.error({ err, failures: this.failures, failingForSeconds: Math.round((at - this.since) / 1000) }, `${this.what} still failing; will retry`);
    }
  }

  succeeded(): void {
    if (this.failures === 0) return;
    this.logger.info({ failures: this.failures, failedForSeconds: Math.round((this.now() - this.since) / 1000) }, `${this.what} works again`);
    this.failures = 0;
  }
}
