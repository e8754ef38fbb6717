import { personPageHeaders } from './page-headers';

/**
 * A PDF drawn with pdfkit, collected into one buffer: the printable poster and badge card (intake), the program at
 * a glance sheet (reporting). Standard PDF fonts only, nothing embedded from the machine, so the same settings make
 * the same document anywhere. pdfkit is loaded on the first PDF, not when a service starts (it takes about 0.2 s
 * to load, and most services never make a PDF).
 */
export async function renderPdf(options: PDFKit.PDFDocumentOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ margin: 0, lang: 'en', displayTitle: true, ...options });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      draw(doc);
    } catch (error) {
      reject(error);
      return;
    }
    doc.end();
  });
}

/**
 * The headers of a PDF a person downloads: those of the other pages a person sees (nothing cached, framed or sent
 * on as a referrer, no script), its type, and a download under `fileName` rather than a view inside a page.
 */
export function pdfDownloadHeaders(fileName: string): Record<string, string> {
  const safe = fileName.replace(/[^A-Za-z0-9._-]/g, '-');
  return { ...personPageHeaders(''), 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${safe}"` };
}

/** A name as part of a file name: ASCII letters and digits joined by dashes, lower case. */
export function fileSlug(name: string, fallback: string): string {
  return name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase().slice(0, 40) || fallback;
}
