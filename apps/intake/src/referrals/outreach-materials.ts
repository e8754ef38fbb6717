import QRCode from 'qrcode';
import { renderPdf } from '@harbor/service-runtime';

/**
 * The printable poster and badge card that publicize the program: its name, a QR code to the self-referral page
 * (with the address printed beside it, for phones without a camera app), and the external line for urgent need.
 * They are built from program settings only and hold nothing about anyone. Plain functions over pdfkit and qrcode,
 * free of framework code; the QR code is drawn as vector squares so it stays sharp at any print size.
 */
export interface OutreachMaterial {
  programName: string;
  /** The self-referral page the QR code leads to. */
  referUrl: string;
  urgentLine: string;
}

export type PosterPaper = 'letter' | 'a4';

const GREEN = '#1f6f43';
const INK = '#1a1a1a';
const URGENT_FILL = '#fef3c7';
const URGENT_BAR = '#92400e';
const MM = 72 / 25.4;
/** ISO/IEC 7810 ID-1 (CR80), the size of a hospital badge: 85.6 × 54 mm, landscape. */
export const BADGE_CARD_SIZE: [number, number] = [85.6 * MM, 54 * MM];
/** The light margin a QR code needs around it to be found by a reader (4 modules, ISO/IEC 18004). */
const QUIET_ZONE_MODULES = 4;

/** The QR code's modules for the page's address: 'M' error correction, enough for print wear and a lanyard's bend. */
export function qrModules(url: string): { size: number; isDark(row: number, column: number): boolean } {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  return { size: modules.size, isDark: (row, column) => !!modules.get(row, column) };
}

/** A poster for notice boards, grand rounds and staff rooms (US Letter or A4, portrait). */
export function posterPdf(material: OutreachMaterial, paper: PosterPaper): Promise<Buffer> {
  return renderPdf({ size: paper === 'a4' ? 'A4' : 'LETTER', info: documentInfo(material, 'poster') }, (doc) => {
    const { width, height } = doc.page;
    const margin = 54;
    const inner = width - 2 * margin;

    doc.rect(0, 0, width, 120).fill(GREEN);
    oneLine(doc, material.programName, { font: 'Helvetica-Bold', size: 32, minSize: 16, x: margin, y: 44, width: inner, color: '#ffffff', align: 'center' });

    doc.fillColor(INK).font('Helvetica-Bold').fontSize(34).text('Had a hard day at work?', margin, 160, { width: inner, align: 'center' });
    doc.fillColor(GREEN).text('Talk to a peer.', { width: inner, align: 'center' });
    doc.moveDown(0.4).fillColor(INK).font('Helvetica').fontSize(15).text(
      'After an adverse event, a patient’s death, an assault, or being named in a claim, a trained colleague who knows ' +
        'what a hard day in healthcare is like will listen. Confidential, voluntary and free. Not a report, not therapy, ' +
        'and never part of any review.',
      margin + 18, doc.y, { width: inner - 36, align: 'center', lineGap: 3 },
    );

    const qrSide = 200;
    const qrTop = doc.y + 22;
    drawQr(doc, material.referUrl, (width - qrSide) / 2, qrTop, qrSide);
    doc.fillColor(INK).font('Helvetica').fontSize(14).text('Scan to ask for a peer supporter, for yourself or a colleague:', margin, qrTop + qrSide + 10, { width: inner, align: 'center' });
    oneLine(doc, material.referUrl, { font: 'Helvetica-Bold', size: 16, minSize: 8, x: margin, y: doc.y + 4, width: inner, color: INK, align: 'center' });

    const boxHeight = 112;
    const boxTop = height - margin - boxHeight;
    doc.rect(margin, boxTop, inner, boxHeight).fill(URGENT_FILL);
    doc.rect(margin, boxTop, 8, boxHeight).fill(URGENT_BAR);
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(17).text('Need to talk to someone now?', margin + 26, boxTop + 16, { width: inner - 40 });
    doc.font('Helvetica').fontSize(14).text('Call the support line, any time:', margin + 26, doc.y + 4, { width: inner - 40 });
    doc.font('Helvetica-Bold').fontSize(24).text(material.urgentLine, margin + 26, doc.y + 2, { width: inner - 40 });
    doc.font('Helvetica').fontSize(11).text('In danger, call your local emergency number.', margin + 26, doc.y + 2, { width: inner - 40 });
  });
}

/** A card the size of a hospital badge (CR80, landscape), to clip behind a badge or hand out. */
export function badgeCardPdf(material: OutreachMaterial): Promise<Buffer> {
  return renderPdf({ size: BADGE_CARD_SIZE, info: documentInfo(material, 'badge card') }, (doc) => {
    const { width, height } = doc.page;
    const pad = 8;
    const band = 26;
    doc.rect(0, 0, width, band).fill(GREEN);
    oneLine(doc, material.programName, { font: 'Helvetica-Bold', size: 12, minSize: 6, x: pad, y: 8, width: width - 2 * pad, color: '#ffffff', align: 'left' });

    // The QR code on the right, at 30 mm a module stays near 0.75 mm for an address of 50 characters.
    const qrSide = Math.min(30 * MM, height - band - 2 * pad + 6);
    const qrLeft = width - pad - qrSide + 4;
    drawQr(doc, material.referUrl, qrLeft, band + (height - band - qrSide) / 2, qrSide);

    const textWidth = qrLeft - pad - 2;
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(11).text('Talk to a peer', pad, band + 7, { width: textWidth });
    doc.font('Helvetica').fontSize(6.5).text('Confidential, voluntary, free. Scan or visit:', pad, doc.y + 1, { width: textWidth });
    oneLine(doc, material.referUrl, { font: 'Helvetica-Bold', size: 6.5, minSize: 4, x: pad, y: doc.y + 1, width: textWidth, color: INK, align: 'left' });
    doc.font('Helvetica').fontSize(6.5).text('For yourself or a colleague: a trained peer supporter will reach out.', pad, doc.y + 4, { width: textWidth });
    const urgentTop = height - pad - 30;
    doc.rect(pad, urgentTop, textWidth, 30).fill(URGENT_FILL);
    doc.rect(pad, urgentTop, 3, 30).fill(URGENT_BAR);
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(6.5).text('Urgent? Call any time:', pad + 7, urgentTop + 5, { width: textWidth - 10 });
    oneLine(doc, material.urgentLine, { font: 'Helvetica-Bold', size: 10, minSize: 6, x: pad + 7, y: doc.y + 1.5, width: textWidth - 10, color: INK, align: 'left' });
  });
}

function documentInfo(material: OutreachMaterial, kind: string): PDFKit.DocumentInfo {
  return { Title: `${material.programName} – ${kind}`, Author: material.programName, Subject: `How to reach ${material.programName}` };
}

/** The QR code as black squares on a white square that includes the quiet zone; one rectangle per run of dark modules. */
function drawQr(doc: PDFKit.PDFDocument, url: string, left: number, top: number, side: number): void {
  const qr = qrModules(url);
  const module = side / (qr.size + 2 * QUIET_ZONE_MODULES);
  const origin = QUIET_ZONE_MODULES * module;
  doc.rect(left, top, side, side).fill('#ffffff');
  for (let row = 0; row < qr.size; row += 1) {
    let column = 0;
    while (column < qr.size) {
      if (!qr.isDark(row, column)) {
        column += 1;
        continue;
      }
      const start = column;
      while (column < qr.size && qr.isDark(row, column)) column += 1;
      // A hair of overlap, so no light seam shows between rows when the page is rasterised.
      doc.rect(left + origin + start * module, top + origin + row * module, (column - start) * module, module + 0.05);
    }
  }
  doc.fill('#000000');
}

/** Text on one line, in the largest size up to `size` that fits `width` (down to `minSize`, where it may wrap). */
function oneLine(
  doc: PDFKit.PDFDocument,
  text: string,
  options: { font: string; size: number; minSize: number; x: number; y: number; width: number; color: string; align: 'left' | 'center' },
): void {
  doc.font(options.font);
  let size = options.size;
  while (size > options.minSize && doc.fontSize(size).widthOfString(text) > options.width) size -= 0.5;
  doc.fontSize(size).fillColor(options.color).text(text, options.x, options.y, { width: options.width, align: options.align, lineBreak: size <= options.minSize });
}
