import { HarborHarness } from '../support/harbor-harness';
import { readPdf } from '../support/read-pdf';
import { SELF_REFERRAL_HEADERS } from '../../apps/intake/src/referrals/self-referral-page.html';

const PROGRAM = 'RISE Peer Support – St. Mary’s';
const BASE = 'https://harbor.hospital.example/staff/';
const REFER_URL = 'https://harbor.hospital.example/staff/refer';
const URGENT_LINE = '1-800-555-0199';
const MM = 72 / 25.4;

/**
 * The printable poster and badge card, from intake on a real Postgres and Kafka, read the way a person reads them:
 * each PDF rendered by PDF.js shows the program's name, the address and the urgent line from the settings, and a
 * QR reader (jsQR) gets the self-referral page's address from the rendered page. Both are public, carry the
 * public pages' headers, and are sent as downloads.
 */
describe('poster and badge card of /refer', () => {
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({
      services: ['intake'],
      serviceEnv: { intake: { INTAKE_PROGRAM_NAME: PROGRAM, INTAKE_PUBLIC_BASE_URL: BASE, INTAKE_URGENT_LINE: URGENT_LINE, INTAKE_POSTER_PAPER: 'a4' } },
    });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  const download = async (path: string) => {
    const response = await harbor.request('intake', path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    for (const [name, value] of Object.entries(SELF_REFERRAL_HEADERS)) if (name !== 'content-security-policy' && name !== 'referrer-policy') expect(response.headers.get(name)).toBe(value);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    return { response, pdf: Buffer.from(await response.arrayBuffer()) };
  };

  it('the poster (A4 here) shows the program, the address and the urgent line, and its QR code leads to /refer', async () => {
    const { response, pdf } = await download('/refer/poster.pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="rise-peer-support-st-mary-s-poster.pdf"');
    const { title, pages } = await readPdf(pdf, { pngPrefix: '/tmp/harbor-refer-poster' });
    expect(title).toBe(`${PROGRAM} – poster`);
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect([page.width, page.height]).toEqual([595.28, 841.89]);
    expect(page.text).toContain(PROGRAM);
    expect(page.text).toContain(REFER_URL);
    expect(page.text).toContain(URGENT_LINE);
    expect(page.qr).toBe(REFER_URL);
  });

  it('the badge card is CR80 (85.6 × 54 mm) with the same program, address, urgent line and QR code', async () => {
    const { response, pdf } = await download('/refer/card.pdf');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="rise-peer-support-st-mary-s-badge-card.pdf"');
    const { pages } = await readPdf(pdf, { pngPrefix: '/tmp/harbor-refer-card' });
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page.width / MM).toBeCloseTo(85.6, 1);
    expect(page.height / MM).toBeCloseTo(54, 1);
    expect(page.text).toContain(PROGRAM);
    expect(page.text).toContain(REFER_URL);
    expect(page.text).toContain(URGENT_LINE);
    expect(page.qr).toBe(REFER_URL);
  });

  it('asks for no token and takes no input: a query string changes nothing', async () => {
    const plain = await download('/refer/card.pdf');
    const withQuery = await download('/refer/card.pdf?programName=Other&url=https://evil.example');
    expect(withQuery.pdf.equals(plain.pdf)).toBe(true);
  });
});
