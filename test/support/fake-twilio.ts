import { randomBytes } from 'node:crypto';
import { createServer, Server, ServerResponse } from 'node:http';
import twilio from 'twilio';
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

/** A message a supporter's phone sent to Harbor's number, as Twilio records it. */
export interface InboundMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  /** When Twilio received it; Twilio reports it to the second. */
  dateCreated: Date;
}

/**
 * A local HTTP server speaking Twilio's Messaging REST contract: records each
 * POST /2010-04-01/Accounts/{sid}/Messages.json and answers 201 with a message resource,
 * or with the failures a test queues up; and serves GET .../Messages/{MessageSid}.json for the messages it
 * sent and for inbound messages a test says a phone sent (`receive`), with their date_created.
 */
export class FakeTwilio {
  readonly messages: RecordedMessage[] = [];
  readonly inbound = new Map<string, InboundMessage>();
  /** GET requests for message resources (Harbor looking messages up). */
  lookups = 0;
  private readonly lookupFailures: number[] = [];
  private readonly failures: number[] = [];
  private readonly scripted: ScriptedResponse[] = [];
  /** Every request that reached the Messages endpoint, accepted or not. */
  requests = 0;
  private server?: Server;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const resource = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/.]+)\.json$/.exec(request.url ?? '');
      if (request.method === 'GET' && resource) return this.serveMessage(decodeURIComponent(resource[1]), decodeURIComponent(resource[2]), response);
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

  /**
   * A phone sends `body` to Harbor's number: Twilio records an inbound message (by default received now) and
   * would call the webhook with its MessageSid. Returns the record, to build the webhook from.
   */
  receive(from: string, body: string, options: { accountSid: string; to?: string; dateCreated?: Date }): InboundMessage {
    const message = {
      sid: `SM${randomBytes(16).toString('hex')}`, accountSid: options.accountSid, from, to: options.to ?? '+15559990000', body,
      dateCreated: options.dateCreated ?? new Date(),
    };
    this.inbound.set(message.sid, message);
    return message;
  }

  /** Twilio's message resource (snake_case JSON, RFC 2822 dates), or its 404 for a sid it does not know in that account. */
  private serveMessage(accountSid: string, sid: string, response: ServerResponse): void {
    this.lookups++;
    const failure = this.lookupFailures.shift();
    if (failure) return void response.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, status: failure }));
    const inbound = this.inbound.get(sid);
    const sent = this.messages.find((message) => message.sid === sid);
    const found = inbound
      ? { ...inbound, direction: 'inbound', status: 'received' }
      : sent && { sid, accountSid: sent.accountSid, from: sent.from, to: sent.to, body: sent.body, dateCreated: new Date(sent.receivedAt), direction: 'outbound-api', status: 'sent' };
    if (!found || found.accountSid !== accountSid) {
      return void response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      sid: found.sid, account_sid: found.accountSid, from: found.from, to: found.to, body: found.body, direction: found.direction, status: found.status,
      date_created: rfc2822(found.dateCreated), date_updated: rfc2822(found.dateCreated), date_sent: rfc2822(found.dateCreated),
      num_segments: '1', api_version: '2010-04-01', uri: `/2010-04-01/Accounts/${found.accountSid}/Messages/${found.sid}.json`,
    }));
  }

  /** The next message look-up answers `status` (e.g. 503) instead of the message. */
  failNextLookup(status: number): void {
    this.lookupFailures.push(status);
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


/** Twilio's date format: "Thu, 26 Nov 2026 10:00:00 +0000". */
function rfc2822(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * POSTs a webhook the way Twilio does: form-encoded, signed (X-Twilio-Signature) over the public URL Harbor
 * is configured with. `signature` replaces the real one (forgeries); '' sends none.
 */
export function postTwilioWebhook(
  request: (path: string, init: RequestInit) => Promise<Response>,
  target: { publicBaseUrl: string; authToken: string; path: string },
  params: Record<string, string>,
  signature?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const value = signature ?? twilio.getExpectedTwilioSignature(target.authToken, `${target.publicBaseUrl}${target.path}`, params);
  if (value) headers['x-twilio-signature'] = value;
  return request(target.path, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}
