import jsQR from 'jsqr';
import QRCode from 'qrcode';
import { BADGE_CARD_SIZE, badgeCardPdf, posterPdf, qrModules } from './outreach-materials';

const MATERIAL = { programName: 'RISE Peer Support', referUrl: 'https://harbor.hospital.example/refer', urgentLine: '1-888-409-0141' };

/** The modules as a bitmap a camera would see: `scale` pixels a module, with the quiet zone, dark on white. */
function bitmapOf(qr: ReturnType<typeof qrModules>, scale = 4): { data: Uint8ClampedArray; side: number } {
  const side = (qr.size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      const row = Math.floor(y / scale) - 4;
      const column = Math.floor(x / scale) - 4;
      if (row >= 0 && column >= 0 && row < qr.size && column < qr.size && qr.isDark(row, column)) data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
    }
  }
  return { data, side };
}

describe('outreach materials', () => {
  it('the QR code the poster and card draw decodes back to the self-referral page', () => {
    for (const url of [MATERIAL.referUrl, 'http://127.0.0.1:3001/refer', `https://${'a'.repeat(120)}.example/refer`]) {
      const { data, side } = bitmapOf(qrModules(url));
      expect(jsQR(data, side, side)?.data).toBe(url);
    }
  });

  it('draws the modules of the library\'s own code for the address, nothing of its own', () => {
    const ours = qrModules(MATERIAL.referUrl);
    const { modules } = QRCode.create(MATERIAL.referUrl, { errorCorrectionLevel: 'M' });
    expect(ours.size).toBe(modules.size);
    for (let row = 0; row < modules.size; row += 1) for (let column = 0; column < modules.size; column += 1) expect(ours.isDark(row, column)).toBe(!!modules.get(row, column));
  });

  it('makes PDFs of the expected paper sizes', async () => {
    const mediaBox = (pdf: Buffer) => pdf.toString('latin1').match(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/)!.slice(1).map(Number);
    const [letter, a4, card] = await Promise.all([posterPdf(MATERIAL, 'letter'), posterPdf(MATERIAL, 'a4'), badgeCardPdf(MATERIAL)]);
    for (const pdf of [letter, a4, card]) expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(mediaBox(letter)).toEqual([612, 792]);
    expect(mediaBox(a4)).toEqual([595.28, 841.89]);
    const [width, height] = mediaBox(card);
    expect(width).toBeCloseTo(BADGE_CARD_SIZE[0], 1);
    expect(height).toBeCloseTo(BADGE_CARD_SIZE[1], 1);
    expect(width / (72 / 25.4)).toBeCloseTo(85.6, 1);
  });
});
