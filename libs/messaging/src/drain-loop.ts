import { Client } from 'pg';
import { Logger } from 'pino';

export interface DrainLoopOptions {
  /** Names the loop in logs and in Postgres's application_name. */
  name: string;
  databaseUrl: string;
  /** LISTEN channel that wakes the loop when another process queues work; none to rely on commits and polling. */
  channel?: string;
  /** Safety net for a notification lost while reconnecting, and for work that becomes due later. */
  fallbackPollMs: number;
  /** Drains what is due. Called again right after it returns when a wake-up arrived meanwhile. */
  work: () => Promise<void>;
}

/**
 * Runs a drain function whenever work may be waiting: on wake(), on NOTIFY, and on a slow poll. Wake-ups
 * during a drain are coalesced into one more drain, so none is lost and drains never overlap.
 */
export class DrainLoop {
  private listener?: Client;
  private poller?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private wakeAgain = false;
  private stopped = true;

  constructor(
    private readonly options: DrainLoopOptions,
    private readonly logger: Logger,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  async start(): Promise<void> {
    this.stopped = false;
    if (this.options.channel) {
      await this.listen().catch((error) => this.logger.warn({ err: (error as Error).message }, `${this.options.name} listener failed; polling only`));
    }
    this.poller = setInterval(() => this.wake(), this.options.fallbackPollMs);
    this.poller.unref();
    this.wake();
  }

  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    this.draining = this.options.work().finally(() => {
      this.draining = undefined;
      if (this.wakeAgain) {
        this.wakeAgain = false;
        this.wake();
      }
    });
  }

  /** Stops waking, waits for the drain in progress and closes the listener. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeAgain = false;
    if (this.poller) clearInterval(this.poller);
    await this.draining;
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: `harbor-${this.options.name}` });
    client.on('notification', () => this.wake());
    client.on('error', (error) => {
      this.logger.warn({ err: error.message }, `${this.options.name} listener lost its connection; reconnecting`);
      this.listener = undefined;
      setTimeout(() => !this.stopped && this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${this.options.channel}`);
    this.listener = client;
  }
}
