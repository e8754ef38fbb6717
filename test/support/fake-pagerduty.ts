import { createServer, Server } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from './local-http-server';
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
    return listenOnLoopback(this.server);
  }

  scriptNext(...responses: ScriptedResponse[]): void {
    this.scripted.push(...responses);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

