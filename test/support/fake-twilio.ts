import { createServer, Server } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from './local-http-server';

export interface RecordedMessage {
  accountSid: string;
  authorization: string | undefined;
  idempotencyToken: string | undefined;
  to: string;
  from: string;
  body: string;
  receivedAt: number;
  /** The message sid this server answered with. */
  sid?: string;
  /** The StatusCallback URL the sender asked for, if any. */
  statusCallback?: string;
}

/** A scripted answer for one request: a status (with headers such as Retry-After) and/or a delay before answering. */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A local HTTP server speaking Twilio's Messaging REST contract: records each
 * POST /2010-04-01/Accounts/{sid}/Messages.json and answers 201 with a message resource,
 * or with the failures a test queues up.
 */
export class FakeTwilio {
  readonly messages: RecordedMessage[] = [];
  private readonly failures: number[] = [];
  private readonly scripted: ScriptedResponse[] = [];
  /** Every request that reached the Messages endpoint, accepted or not. */
  requests = 0;
  private server?: Server;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(request.url ?? '');
      if (request.method !== 'POST' || !match) return void response.writeHead(404).end();
      const form = new URLSearchParams(await readBody(request));
      this.requests++;
      const script = this.scripted.shift();
      if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      if (script?.status && script.status >= 300) {
        if (response.destroyed) return;
        return void response.writeHead(script.status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify({ code: 20429, status: script.status }));
      }
      if (response.destroyed) return;
      const failure = this.failures.shift();
      if (failure) return void response.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, status: failure }));
      const sid = `SM${String(++this.counter).padStart(32, '0')}`;
      this.messages.push({
        sid,
        accountSid: decodeURIComponent(match[1]),
        authorization: request.headers.authorization,
        idempotencyToken: request.headers['i-twilio-idempotency-token'] as string | undefined,
        to: form.get('To') ?? '',
        from: form.get('From') ?? '',
        body: form.get('Body') ?? '',
        receivedAt: Date.now(),
        statusCallback: form.get('StatusCallback') ?? undefined,
      });
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid, status: 'queued', to: form.get('To') }));
    });
    return listenOnLoopback(this.server);
  }

  /** The next `count` requests answer `status` (e.g. 500) instead of being accepted. */
  failNext(count: number, status: number): void {
    for (let index = 0; index < count; index++) this.failures.push(status);
  }

  /** The next requests get these answers (e.g. 429 with Retry-After, or a delay longer than the client's timeout). */
  scriptNext(...responses: ScriptedResponse[]): void {
    this.scripted.push(...responses);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

