import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import type { ScriptedResponse } from './fake-twilio';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: { summary: string; source: string; severity: string; custom_details?: unknown };
  receivedAt: number;
}

/**
 * A local PagerDuty Events API v2 receiver: POST /v2/enqueue answers 202 {status:"success", dedup_key}, 400 for
 * an event without routing_key/event_action (or a trigger without payload.summary), or what a test scripts.
 */
export class FakePagerDuty {
  readonly events: PagerDutyEvent[] = [];
  requests = 0;
  private readonly scripted: ScriptedResponse[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      if (request.method !== 'POST' || request.url !== '/v2/enqueue') return void response.writeHead(404).end();
      const text = await readBody(request);
      this.requests++;
      const script = this.scripted.shift();
      if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      if (response.destroyed) return;
      if (script?.status) {
        return void response.writeHead(script.status, { 'content-type': 'application/json', ...script.headers }).end(JSON.stringify({ status: 'throttled' }));
      }
      let event: PagerDutyEvent;
      try {
        event = JSON.parse(text);
      } catch {
        return void response.writeHead(400).end(JSON.stringify({ status: 'invalid event', message: 'Event object is invalid' }));
      }
      const valid = event.routing_key && ['trigger', 'acknowledge', 'resolve'].includes(event.event_action)
        && (event.event_action !== 'trigger' || event.payload?.summary) && (event.event_action === 'trigger' || event.dedup_key)
        && (!event.dedup_key || event.dedup_key.length <= 255);
      if (!valid) return void response.writeHead(400).end(JSON.stringify({ status: 'invalid event', message: 'Event object is invalid' }));
      this.events.push({ ...event, receivedAt: Date.now() });
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: event.dedup_key ?? 'generated' }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  scriptNext(...responses: ScriptedResponse[]): void {
    this.scripted.push(...responses);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
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
