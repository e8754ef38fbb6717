import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export interface PdfPage {
  /** In points. */
  width: number;
  height: number;
  text: string;
  /** What a QR reader gets from the rendered page, or null when it finds no code. */
  qr: string | null;
}

/** What a person would see in a PDF: its title, and per page its size, text and QR code (test/support/pdf-reader.js). */
export function readPdf(pdf: Buffer, options: { pngPrefix?: string } = {}): Promise<{ title: string | null; pages: PdfPage[] }> {
  const args = [resolve(__dirname, 'pdf-reader.js'), ...(options.pngPrefix ? ['--png', options.pngPrefix] : [])];
  return new Promise((done, fail) => {
    const child = execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return fail(new Error(`pdf-reader failed: ${stderr || error.message}`));
      done(JSON.parse(stdout));
    });
    child.stdin!.end(pdf);
  });
}
