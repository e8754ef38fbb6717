import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface RecordedMessage {
  accountSid: string;
  authorization: string | undefined;
  idempotencyToken: string | undefined;
  to: string;
  from: string;
  body: string;
  receivedAt: number;
}

/**
 * A local HTTP server speaking Twilio's Messaging REST contract: records each
 * POST /2010-04-01/Accounts/{sid}/Messages.json and answers 201 with a message resource,
 * or with the failures a test queues up.
 */
export class FakeTwilio {
  readonly messages: RecordedMessage[] = [];
  private readonly failures: number[] = [];
  private server?: Server;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match) return void response.writeHead(404).end();
      const form = new URLSearchParams(await readBody(request));
      const failure = this.failures.shift();
      if (failure) return void response.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, status: failure }));
      this.messages.push({
        accountSid: decodeURIComponent(match[1]),
        authorization: request.headers.authorization,
        idempotencyToken: request.headers['i-twilio-idempotency-token'] as string | undefined,
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
        receivedAt: Date.now(),
      });
      const sid = `SM${String(++this.counter).padStart(32, '0')}`;
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued', to: form.get('To') }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `count` requests answer `status` (e.g. 500) instead of being accepted. */
  failNext(count: number, status: number): void {
    for (let index = 0; index < count; index++) this.failures.push(status);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
