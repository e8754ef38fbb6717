import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicRoute } from '@harbor/auth';
import { fileSlug, pdfDownloadHeaders } from '@harbor/service-runtime';
import { OutreachMaterialSettings } from '../intake.settings';
import { badgeCardPdf, OutreachMaterial, posterPdf } from './outreach-materials';

/**
 * The printable poster and badge card of the self-referral page. Public, like `/refer` itself: they hold the
 * program's name, the page's address and the urgent line, which the page already shows to anyone, and nothing
 * else. Each is made once per process (the settings do not change while it runs), so a request costs no rendering.
 */
@Controller('refer')
export class OutreachMaterialsController {
  private readonly made = new Map<string, Promise<Buffer>>();
  private readonly material: OutreachMaterial;

  constructor(private readonly settings: OutreachMaterialSettings) {
    this.material = { programName: settings.programName, referUrl: settings.referUrl, urgentLine: settings.urgentLine };
  }

  /** A poster (US Letter or A4 by INTAKE_POSTER_PAPER) with the QR code to `/refer`. */
  @Get('poster.pdf')
  @PublicRoute('printable poster: the program name, the /refer address and the urgent line, no data')
  async poster(@Res() response: Response) {
    this.send(response, 'poster', await this.once('poster', () => posterPdf(this.material, this.settings.posterPaper)));
  }

  /** A badge-sized card (CR80, 85.6 × 54 mm) with the QR code to `/refer`. */
  @Get('card.pdf')
  @PublicRoute('printable badge card: the program name, the /refer address and the urgent line, no data')
  async card(@Res() response: Response) {
    this.send(response, 'badge-card', await this.once('card', () => badgeCardPdf(this.material)));
  }

  private once(kind: string, make: () => Promise<Buffer>): Promise<Buffer> {
    let pdf = this.made.get(kind);
    if (!pdf) {
      pdf = make();
      this.made.set(kind, pdf);
      pdf.catch(() => this.made.delete(kind));
    }
    return pdf;
  }

  private send(response: Response, kind: string, pdf: Buffer): void {
    response.set(pdfDownloadHeaders(`${fileSlug(this.settings.programName, 'peer-support')}-${kind}.pdf`));
    response.status(200).end(pdf);
  }
}
