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

/** Reconnect delays of the LISTEN connection: 250 ms, doubling per failed attempt, at most 10 s, with jitter. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 10_000;

export function reconnectDelayMs(failedAttempts: number, random = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** failedAttempts);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs a drain function whenever work may be waiting: on wake(), on NOTIFY, and on a slow poll. Wake-ups
 * during a drain are coalesced into one more drain, so none is lost and drains never overlap.
 *
 * The loop holds exactly one LISTEN connection. A lost connection is noticed once (pg reports one loss as
 * both an error and an end), and one reconnect is scheduled for it, with backoff while Postgres refuses.
 */
export class DrainLoop {
  private listener?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failedReconnects = 0;
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
      await this.listen().catch((error) => {
        this.logger.warn({ err: (error as Error).message }, `${this.options.name} listener failed; polling until it reconnects`);
        this.scheduleReconnect();
      });
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
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    await this.draining;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: `harbor-${this.options.name}` });
    // Until connected, failures surface as the rejection below; an 'error' without a listener would crash the process.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined); // the socket may still be half open
      if (this.stopped) return;
      this.logger.warn({ err: error?.message }, `${this.options.name} listener lost its connection; reconnecting`);
      this.scheduleReconnect();
    };
    client.on('notification', () => this.wake());
    client.on('error', onLost);
    client.on('end', () => onLost(new Error('connection ended')));
    this.listener = client;
    this.failedReconnects = 0;
  }

  /** At most one reconnect is pending at any time, whatever number of loss signals arrived. */
  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = reconnectDelayMs(this.failedReconnects);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.stopped) return;
      this.listen()
        // A notification sent while the listener was away is lost: look for work once now.
        .then(() => this.wake())
        .catch((error) => {
          this.failedReconnects++;
          this.logger.warn({ err: (error as Error).message, attempt: this.failedReconnects }, `${this.options.name} listener could not reconnect; retrying`);
          this.scheduleReconnect();
        });
    }, delay);
    this.reconnectTimer.unref();
  }
}
