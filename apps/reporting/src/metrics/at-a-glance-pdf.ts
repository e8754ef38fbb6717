import { renderPdf } from '@harbor/service-runtime';
import { Published } from '../disclosure/statistics';
import { AtAGlance, GlanceFigure, shown } from './at-a-glance';

const GREEN = '#1f6f43';
const INK = '#1a1a1a';
const MUTED = '#4a5868';
const RULE = '#d5dde6';

/**
 * The "program at a glance" sheet as one printable page (US Letter): the same figures as the JSON, withheld ones
 * shown as `<k` (counts) or `not shown` (rates), never as a number. It prints only what `programAtAGlance` holds.
 */
export function atAGlancePdf(glance: AtAGlance, programName: string, generatedAt: Date): Promise<Buffer> {
  const title = `${programName} – program at a glance, ${glance.year}`;
  return renderPdf({ size: 'LETTER', info: { Title: title, Author: programName, Subject: 'Protected aggregates of the peer support program' } }, (doc) => {
    const { width, height } = doc.page;
    const margin = 44;
    const inner = width - 2 * margin;
    const k = glance.minCellSize;

    doc.rect(0, 0, width, 92).fill(GREEN);
    doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(22).text(programName, margin, 24, { width: inner, lineBreak: false, ellipsis: true });
    doc.font('Helvetica').fontSize(14).text(`Program at a glance · ${glance.year}`, margin, 54, { width: inner });

    doc.fillColor(MUTED).font('Helvetica').fontSize(9).text(
      `Protected aggregates from the program's fixed releases. Counts from 1 to ${k - 1} are shown as <${k}, and some other ` +
        'counts are hidden so that they cannot be worked out from totals. Rates and medians rest on at least ' +
        `${k} cases or are not shown. No names, no cases, no places.`,
      margin, 104, { width: inner, lineGap: 1.5 },
    );
    const coverage = glance.covered
      ? `Covers ${day(glance.covered.from)} to ${day(new Date(new Date(glance.covered.to).getTime() - 1).toISOString())}.`
      : `No figures for ${glance.year} are released yet.`;
    const pending = glance.unreleasedFrom ? ` Not yet released: from ${day(glance.unreleasedFrom)} on (a period is released once it has ended and settled).` : '';
    doc.fillColor(INK).font('Helvetica-Bold').fontSize(9).text(coverage + pending, margin, doc.y + 4, { width: inner });

    if (glance.totals.length === 0) return;

    // Headline tiles: three across, two down.
    const tileTop = doc.y + 12;
    const gap = 10;
    const tileWidth = (inner - 2 * gap) / 3;
    const tileHeight = 58;
    glance.totals.forEach((figure, index) => {
      const x = margin + (index % 3) * (tileWidth + gap);
      const y = tileTop + Math.floor(index / 3) * (tileHeight + gap);
      doc.roundedRect(x, y, tileWidth, tileHeight, 6).lineWidth(1).strokeColor(RULE).stroke();
      doc.fillColor(figure.value.suppressed ? MUTED : GREEN).font('Helvetica-Bold').fontSize(24).text(shown(figure.value, k), x + 10, y + 8, { width: tileWidth - 20 });
      doc.fillColor(INK).font('Helvetica').fontSize(9).text(figure.label, x + 10, y + 38, { width: tileWidth - 20 });
    });

    const columnTop = tileTop + 2 * (tileHeight + gap) + 8;
    const columnWidth = (inner - 20) / 2;
    const left = margin;
    const right = margin + columnWidth + 20;
    let y = columnTop;
    y = section(doc, 'Rates and medians', glance.rates.map((figure) => [figure.label, rate(figure.value)]), left, y, columnWidth);
    y = section(doc, 'Cases by trigger', rows(glance.byKind, k), left, y, columnWidth);
    y = section(doc, 'Cases by kind of event', rows(glance.byGroup, k), left, y, columnWidth);
    if (glance.supporterLoad) {
      const load = glance.supporterLoad;
      section(doc, 'Supporters who took cases', [
        ['Supporters', shown(load.supporters, k)],
        ...load.bins.map((bin): [string, string] => [`${bin.label} case${bin.label === '1' ? '' : 's'} each`, shown(bin.supporters, k)]),
        ['Median cases per supporter', rate(load.medianCasesPerSupporter)],
      ], left, y, columnWidth);
    }
    y = columnTop;
    y = section(doc, 'Colleagues reached, by time to first contact', rows(glance.timeToContact, k), right, y, columnWidth);
    y = section(doc, 'Referrals among colleagues who accepted support', rows(glance.referrals, k), right, y, columnWidth);
    y = section(doc, 'By period: cases / colleagues reached', glance.periods.map((period): [string, string] => [period.period, `${shown(period.cases, k)} / ${shown(period.reached, k)}`]), right, y, columnWidth);

    const footerTop = height - margin - 40;
    if (glance.notes.length > 0) {
      doc.fillColor(MUTED).font('Helvetica').fontSize(8).text(glance.notes.join(' '), right, Math.min(y + 4, footerTop - 60), { width: columnWidth, lineGap: 1 });
    }
    doc.moveTo(margin, footerTop).lineTo(width - margin, footerTop).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.fillColor(MUTED).font('Helvetica').fontSize(8).text(
      `<${k}: between 1 and ${k - 1}, or hidden so that a small count cannot be worked out. not shown: rests on fewer than ${k} cases, or cannot be added up across periods. ` +
        `Made ${day(generatedAt.toISOString())} by Harbor reporting from releases that never change.`,
      margin, footerTop + 6, { width: inner, lineGap: 1 },
    );
  });
}

function rows(figures: GlanceFigure[], k: number): [string, string][] {
  return figures.map((figure) => [figure.label, shown(figure.value, k)]);
}

function rate(value: Published): string {
  return value.suppressed ? 'not shown' : String(value.value);
}

/** A titled list of label and value lines; returns where the next section starts. */
function section(doc: PDFKit.PDFDocument, title: string, lines: [string, string][], x: number, top: number, width: number): number {
  doc.fillColor(INK).font('Helvetica-Bold').fontSize(10.5).text(title, x, top, { width });
  let y = doc.y + 3;
  for (const [label, value] of lines) {
    // Labels are short by design; one that would not fit is cut with an ellipsis rather than wrapped over the next line.
    doc.font('Helvetica').fontSize(9).fillColor(INK).text(label, x, y, { width: width - 56, height: 11, lineBreak: false, ellipsis: true });
    doc.font('Helvetica-Bold').text(value, x + width - 56, y, { width: 56, align: 'right', lineBreak: false });
    y += 13;
    doc.moveTo(x, y - 2).lineTo(x + width, y - 2).lineWidth(0.3).strokeColor(RULE).stroke();
  }
  return y + 10;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}
