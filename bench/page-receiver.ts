import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A minimal Twilio-compatible receiver for the benchmark: it stamps the arrival time of each
 * Messages.json request under its idempotency token (`<assignment id>:sms`) and answers 201.
 */
export class PageReceiver {
  readonly arrivals = new Map<string, number>();
  private server?: Server;
  private waiters: { count: number; resolve: () => void }[] = [];

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const now = performance.timeOrigin + performance.now();
      request.resume();
      request.on('end', () => {
        const token = String(request.headers['i-twilio-idempotency-token'] ?? request.headers['x-bench-id'] ?? '');
        if (token && !this.arrivals.has(token)) this.arrivals.set(token, now);
        response.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SMbench","status":"queued"}');
        this.waiters = this.waiters.filter((waiter) => (this.arrivals.size >= waiter.count ? (waiter.resolve(), false) : true));
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves when `count` distinct pages have arrived, or rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs: number): Promise<void> {
    if (this.arrivals.size >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.arrivals.size} of ${count} pages arrived within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  reset(): void {
    this.arrivals.clear();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
