import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  receivedAt: number;
}

/**
 * A local SMTP server (the smtp-server package) that keeps every message. `failNext(code)` rejects the next
 * message at the end of DATA with that reply code (e.g. 451 temporary, 550 permanent).
 */
export class FakeSmtp {
  readonly mails: ReceivedMail[] = [];
  private readonly failures: number[] = [];
  private server?: SMTPServer;

  async start(): Promise<string> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
        stream.on('end', () => {
          const failure = this.failures.shift();
          if (failure) return callback(Object.assign(new Error('Scripted failure'), { responseCode: failure }));
          this.mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            raw,
            receivedAt: Date.now(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const port = ((this.server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
    return `smtp://127.0.0.1:${port}`;
  }

  failNext(count: number, code: number): void {
    for (let index = 0; index < count; index++) this.failures.push(code);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
