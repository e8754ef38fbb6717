// Reads a PDF given on standard input and prints what a person would see in it as JSON: each page's size, its
// text, and the QR code a phone would read from it (the page rendered by PDF.js, decoded by jsQR). A separate
// Node process, because PDF.js is an ES module that Jest's CommonJS runtime cannot load (test/support/read-pdf.ts).
// `--png <prefix>` also writes each page as <prefix>-<n>.png, to look at.
const { writeFileSync } = require('node:fs');
const { PDFParse } = require('pdf-parse');
const jsQR = require('jsqr');
const { PNG } = require('pngjs');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const pngAt = process.argv.indexOf('--png');
  const pngPrefix = pngAt > 0 ? process.argv[pngAt + 1] : undefined;
  const parser = new PDFParse({ data: new Uint8Array(Buffer.concat(chunks)) });
  try {
    const info = await parser.getInfo();
    const text = await parser.getText();
    // About 300 dpi whatever the paper, so a badge card's small modules are as readable as a poster's.
    const shots = await parser.getScreenshot({ scale: 300 / 72, imageBuffer: true });
    const pages = shots.pages.map((shot, index) => {
      const png = PNG.sync.read(Buffer.from(shot.data));
      if (pngPrefix) writeFileSync(`${pngPrefix}-${index + 1}.png`, Buffer.from(shot.data));
      const qr = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
      return { width: shot.width / shot.scale, height: shot.height / shot.scale, text: text.pages[index]?.text ?? '', qr: qr ? qr.data : null };
    });
    process.stdout.write(JSON.stringify({ title: info.info?.Title ?? null, pages }));
  } finally {
    await parser.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
