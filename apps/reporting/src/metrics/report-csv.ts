import { Published } from '../disclosure/statistics';
import { Report } from './report';

const HEADER = ['period', 'granularity', 'place', 'measure', 'value', 'suppressed', 'display', 'coarsened'];

/** One line per published number; suppressed numbers have an empty value and display "<k". */
export function reportToCsv(report: Report): string {
  const lines = [HEADER.join(',')];
  const display = (value: number | null) => (value === null ? `<${report.minCellSize}` : String(value));
  const coarsened = report.coarsening.map((note) => `${note.dimension}: ${note.requested} -> ${note.applied}`).join('; ');
  for (const period of report.periods) {
    for (const row of period.rows) {
      const numbers = [...Object.entries(row.cells), ...Object.entries(row.statistics ?? {})];
      for (const [measure, published] of numbers) {
        lines.push([period.period, period.granularity, row.place, measure, published.value ?? '', published.suppressed, display(published.value), coarsened].map(csvField).join(','));
      }
    }
    // Group debriefs: the program's own protected table, on `all` rows with `group-debriefs:` measures.
    const debriefs = period.groupDebriefs;
    if (debriefs) {
      const numbers: [string, Published][] = [
        ['group-debriefs:offered', debriefs.offered], ['group-debriefs:held', debriefs.held], ['group-debriefs:declined', debriefs.declined], ['group-debriefs:open', debriefs.open],
        ...debriefs.attendance.map(({ band, debriefs: count }): [string, Published] => [`group-debriefs:attendance:${band}`, count]),
      ];
      for (const [measure, published] of numbers) {
        lines.push([period.period, period.granularity, 'all', measure, published.value ?? '', published.suppressed, display(published.value), coarsened].map(csvField).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Spreadsheets read a cell starting with one of these (after any spaces) as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[\t\r]|^\s*[=+\-@]/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export function csvField(value: unknown): string {
  const text = String(value);
  // Neutralise formulas with a leading apostrophe (plain numbers excepted), then quote separators.
  const safe = FORMULA_START.test(text) && !NUMBER.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
