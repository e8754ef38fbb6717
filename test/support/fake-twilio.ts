import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
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
  /**
   * Accept the message (it is recorded and would reach the phone) and only then wait this long before
   * answering: longer than the client's timeout, the sender never learns that it was accepted.
   */
  acceptThenDelayMs?: number;
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

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json(?:\?(.*))?$/;
const MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/.]+)\.json$/;

/** RFC 2822, as Twilio writes date_created: "Thu, 26 Nov 2026 06:00:00 +0000". */
function rfc2822(time: number): string {
  return new Date(time).toUTCString().replace('GMT', '+0000');
}

/**
 * A local HTTP server speaking Twilio's Messaging REST contract: records each
 * POST /2010-04-01/Accounts/{sid}/Messages.json and answers 201 with a message resource, or with the
 * failures a test queues up or an outage it declares; GET on the same path lists the account's messages
 * (filtered by To and From, newest first) the way Twilio's Messages list does; and GET .../Messages/{sid}.json
 * serves one message resource, for messages it sent and inbound messages a test says a phone sent (`receive`).
 */
export class FakeTwilio {
  readonly messages: RecordedMessage[] = [];
  readonly inbound = new Map<string, InboundMessage>();
  /** GET requests for one message resource (Harbor checking an inbound SMS). */
  lookups = 0;
  private readonly lookupFailures: number[] = [];
  private readonly failures: number[] = [];
  private readonly scripted: ScriptedResponse[] = [];
  private outage?: ScriptedResponse;
  /** Every request that reached the Messages endpoint to send, accepted or not. */
  requests = 0;
  /** Requests to list messages (lookups). */
  listRequests = 0;
  /** Answers other than 201 to sends, by status. */
  readonly refusedByStatus = new Map<number, number>();
  /** Recipients Twilio refuses with 400 (code 21211, invalid 'To' number) whenever it is up. */
  readonly invalidNumbers = new Set<string>();
  /** Awaited after a message was accepted and before the answer is written (e.g. to kill the sender right then). */
  onAccepted?: (message: RecordedMessage) => Promise<void>;
  private server?: Server;
  private counter = 0;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      const resource = MESSAGE_PATH.exec(request.url ?? '');
      if (request.method === 'GET' && resource) return this.serveMessage(decodeURIComponent(resource[1]), decodeURIComponent(resource[2]), response);
      const match = MESSAGES_PATH.exec(request.url ?? '');
      if (!match) return void response.writeHead(404).end();
      if (request.method === 'GET') return this.list(match[1], new URLSearchParams(match[2] ?? ''), response);
      if (request.method !== 'POST') return void response.writeHead(405).end();
      await this.create(decodeURIComponent(match[1]), request, response);
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

  /** Until `endOutage()`, every request (sends and lookups) gets this answer: the provider is down. */
  startOutage(answer: ScriptedResponse = { status: 503 }): void {
    this.outage = answer;
  }

  endOutage(): void {
    this.outage = undefined;
  }

  /** Sends that were accepted, per recipient. */
  countTo(phone: string): number {
    return this.messages.filter((message) => message.to === phone).length;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async create(accountSid: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    this.requests++;
    const script = this.outage ?? this.scripted.shift();
    if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
    if (script?.status && script.status >= 300) {
      this.refusedByStatus.set(script.status, (this.refusedByStatus.get(script.status) ?? 0) + 1);
      if (response.destroyed) return;
      return void response.writeHead(script.status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify({ code: 20429, status: script.status }));
    }
    if (response.destroyed) return;
    const failure = this.failures.shift();
    if (failure) {
      this.refusedByStatus.set(failure, (this.refusedByStatus.get(failure) ?? 0) + 1);
      return void response.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, status: failure }));
    }
    if (this.invalidNumbers.has(form.get('To') ?? '')) {
      this.refusedByStatus.set(400, (this.refusedByStatus.get(400) ?? 0) + 1);
      return void response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 21211, status: 400, message: "Invalid 'To' Phone Number" }));
    }
    const sid = `SM${String(++this.counter).padStart(32, '0')}`;
    const message: RecordedMessage = {
      sid,
      accountSid,
      authorization: request.headers.authorization,
      idempotencyToken: request.headers['i-twilio-idempotency-token'] as string | undefined,
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      receivedAt: Date.now(),
      statusCallback: form.get('StatusCallback') ?? undefined,
    };
    this.messages.push(message);
    await this.onAccepted?.(message);
    if (script?.acceptThenDelayMs) await new Promise((resolve) => setTimeout(resolve, script.acceptThenDelayMs));
    if (response.destroyed) return;
    response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(this.resource(message)));
  }

  private list(accountSid: string, query: URLSearchParams, response: ServerResponse): void {
    this.listRequests++;
    if (this.outage?.status) return void response.writeHead(this.outage.status, { 'content-type': 'application/json', ...this.outage.headers }).end('{}');
    const to = query.get('To');
    const from = query.get('From');
    const pageSize = Math.min(Number(query.get('PageSize') ?? 50), 1000);
    const found = this.messages
      .filter((message) => message.accountSid === decodeURIComponent(accountSid) && (!to || message.to === to) && (!from || message.from === from))
      .sort((a, b) => b.receivedAt - a.receivedAt)
      .slice(0, pageSize);
    const uri = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      messages: found.map((message) => this.resource(message)),
      end: Math.max(found.length - 1, 0), first_page_uri: `${uri}?PageSize=${pageSize}&Page=0`, next_page_uri: null,
      page: 0, page_size: pageSize, previous_page_uri: null, start: 0, uri: `${uri}?PageSize=${pageSize}&Page=0`,
    }));
  }

  /** Twilio's message resource (snake_case JSON, RFC 2822 dates), or its 404 for a sid it does not know in that account. */
  private serveMessage(accountSid: string, sid: string, response: ServerResponse): void {
    this.lookups++;
    const failure = this.lookupFailures.shift();
    if (failure) return void response.writeHead(failure, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20500, status: failure }));
    const inbound = this.inbound.get(sid);
    const sent = this.messages.find((message) => message.sid === sid);
    if (inbound && inbound.accountSid === accountSid) {
      const created = rfc2822(inbound.dateCreated.getTime());
      return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        sid: inbound.sid, account_sid: inbound.accountSid, from: inbound.from, to: inbound.to, body: inbound.body, direction: 'inbound', status: 'received',
        date_created: created, date_updated: created, date_sent: created, num_segments: '1', api_version: '2010-04-01',
        uri: `/2010-04-01/Accounts/${inbound.accountSid}/Messages/${inbound.sid}.json`,
      }));
    }
    if (sent && sent.accountSid === accountSid) return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.resource(sent)));
    response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, message: 'The requested resource was not found', status: 404 }));
  }

  private resource(message: RecordedMessage): Record<string, unknown> {
    return {
      sid: message.sid, account_sid: message.accountSid, to: message.to, from: message.from, body: message.body, status: 'queued',
      direction: 'outbound-api', num_segments: '1', date_created: rfc2822(message.receivedAt), date_updated: rfc2822(message.receivedAt), date_sent: null,
      uri: `/2010-04-01/Accounts/${message.accountSid}/Messages/${message.sid}.json`,
    };
  }
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
