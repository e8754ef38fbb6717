import fc from 'fast-check';
import { csvField } from './report-csv';

describe('csvField', () => {
  it('neutralises anything a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1+cmd|x')).toBe("'-1+cmd|x");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('  =1')).toBe("'  =1");
  });

  it('leaves numbers, labels and plain text alone', () => {
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField(42)).toBe('42');
    expect(csvField('department:north/icu')).toBe('department:north/icu');
    expect(csvField('place: facility -> all')).toBe('place: facility -> all');
  });

  it('property: no field starts with a formula character after the quote, and quoting round-trips', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('=', '+', '-', '@', '\t', '\r', ' ', ',', '"', 'a', '1') }), (text) => {
        const field = csvField(text);
        const unquoted = field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field;
        expect(unquoted.replace(/^'/, '')).toBe(text);
        if (/^[\t\r]|^\s*[=+\-@]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) expect(unquoted.startsWith("'")).toBe(true);
      }),
      { seed: 0xc5f },
    );
  });
});
