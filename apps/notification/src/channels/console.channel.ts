import { PageChannel, PageReceipt, PageRequest } from './page-channel';

/**
 * The local default: prints the page where a developer can see it. The text is the same PHI-free text a
 * phone would get; the link in it is a credential for one offer, so this channel is for local use only.
 */
export class ConsolePageChannel implements PageChannel {
  readonly kind = 'console' as const;

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  async send(request: PageRequest): Promise<PageReceipt> {
    this.write(`[page → ${request.address || 'console'}] ${request.text}`);
    return { providerRef: `console:${request.idempotencyKey}` };
  }
}
