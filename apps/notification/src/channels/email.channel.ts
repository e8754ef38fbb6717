import nodemailer, { Transporter } from 'nodemailer';
import { transportFailure } from './http-failure';
import { ChannelFailedError, PageChannel, PageReceipt, PageRequest } from './page-channel';

export interface EmailSettings {
  smtpUrl: string;
  from: string;
  timeoutMs: number;
}

/** SMTP reply codes: 4xx are temporary (retry), 5xx permanent (bad mailbox, rejected): move on. */
export function smtpFailure(error: unknown): ChannelFailedError {
  const responseCode = (error as { responseCode?: number }).responseCode;
  if (typeof responseCode === 'number') return new ChannelFailedError('email', `smtp-${responseCode}`, responseCode < 500);
  return transportFailure('email', error);
}

/** Email over SMTP (nodemailer). The subject is fixed and as bland as the page text. */
export class EmailChannel implements PageChannel {
  readonly kind = 'email' as const;
  private readonly transport: Transporter;

  constructor(private readonly settings: EmailSettings) {
    const timeout = settings.timeoutMs;
    this.transport = nodemailer.createTransport(settings.smtpUrl, { connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as never);
  }

  async send(request: PageRequest): Promise<PageReceipt> {
    if (!request.address) throw new ChannelFailedError('email', 'no-address', false);
    try {
      const info = await this.transport.sendMail({
        from: this.settings.from,
        to: request.address,
        subject: 'Harbor peer support',
        text: request.text,
        messageId: `<${request.idempotencyKey.replace(/[^A-Za-z0-9.-]/g, '.')}@harbor>`,
        headers: { 'X-Harbor-Idempotency-Key': request.idempotencyKey },
      });
      return { providerRef: info.messageId };
    } catch (error) {
      throw smtpFailure(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}
