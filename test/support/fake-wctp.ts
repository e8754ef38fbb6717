import { createServer, Server } from 'node:http';
import { closeServer, listenOnLoopback, readBody } from './local-http-server';
import { XMLParser } from 'fast-xml-parser';
import type { ScriptedResponse } from './fake-twilio';

export interface WctpPage {
  senderId: string;
  securityCode?: string;
  messageId: string;
  recipientId: string;
  text: string;
  receivedAt: number;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });

/**
 * A local WCTP 1.3 gateway: accepts a wctp-SubmitRequest by HTTP POST and answers a wctp-Confirmation with
 * wctp-Success (200), or wctp-Failure 401 for an unknown recipient, or what a test scripts (HTTP status, or
 * `wctpError` for a WCTP-level failure such as 500).
 */
export class FakeWctp {
  readonly pages: WctpPage[] = [];
  readonly knownRecipients = new Set<string>();
  requests = 0;
  private readonly scripted: (ScriptedResponse & { wctpError?: number })[] = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer(async (request, response) => {
      if (request.method !== 'POST' || request.url !== '/wctp') return void response.writeHead(404).end();
      const xml = await readBody(request);
      this.requests++;
      const script = this.scripted.shift();
      if (script?.delayMs) await new Promise((resolve) => setTimeout(resolve, script.delayMs));
      if (response.destroyed) return;
      if (script?.status) return void response.writeHead(script.status, script.headers).end();
      if (script?.wctpError) return void this.confirm(response, `<wctp-Failure errorCode="${script.wctpError}" errorText="Gateway trouble"/>`);
      const submit = parser.parse(xml)?.['wctp-Operation']?.['wctp-SubmitRequest'];
      const header = submit?.['wctp-SubmitHeader'];
      const recipientId = header?.['wctp-Recipient']?.['@_recipientID'];
      const text = submit?.['wctp-Payload']?.['wctp-Alphanumeric'];
      if (!header || typeof text !== 'string') return void this.confirm(response, '<wctp-Failure errorCode="302" errorText="XML validation error"/>');
      if (this.knownRecipients.size > 0 && !this.knownRecipients.has(String(recipientId))) {
        return void this.confirm(response, '<wctp-Failure errorCode="401" errorText="Invalid recipientID"/>');
      }
      this.pages.push({
        senderId: header['wctp-Originator']?.['@_senderID'],
        securityCode: header['wctp-Originator']?.['@_securityCode'],
        messageId: String(header['wctp-MessageControl']?.['@_messageID']),
        recipientId: String(recipientId),
        text,
        receivedAt: Date.now(),
      });
      this.confirm(response, '<wctp-Success successCode="200" successText="Accepted"/>');
    });
    return `${await listenOnLoopback(this.server)}/wctp`;
  }

  scriptNext(...responses: (ScriptedResponse & { wctpError?: number })[]): void {
    this.scripted.push(...responses);
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private confirm(response: import('node:http').ServerResponse, inner: string): void {
    response.writeHead(200, { 'content-type': 'text/xml' }).end(
      `<?xml version="1.0"?><wctp-Operation wctpVersion="wctp-dtd-v1r3"><wctp-Confirmation>${inner}</wctp-Confirmation></wctp-Operation>`,
    );
  }
}

