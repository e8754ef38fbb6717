import fc from 'fast-check';
import { caseFacts } from './case-fact.fixtures';
import { periodOf } from './periods';
import { Place, placeKey, placeLabel, placesOf, PlaceVocabulary } from './places';
import { buildRelease } from './release';

const YEAR = periodOf(new Date(Date.UTC(2025, 0, 1)), 'year');

describe('PlaceVocabulary', () => {
  const vocabulary = new PlaceVocabulary(['North', 'sec-col'], ['ICU', 'b']);

  it('publishes configured places in their configured spelling, whatever the case or spaces sent', () => {
    expect(vocabulary.facility(' north ')).toBe('North');
    expect(vocabulary.department('icu')).toBe('ICU');
  });

  it('publishes any other text as "other", and a missing department as "unspecified"', () => {
    for (const raw of ['canary-fac-1', '=HYPERLINK("http://x")', 'sec-col/a', 'North/ICU']) expect(vocabulary.facility(raw)).toBe('other');
    expect(vocabulary.department('a/b')).toBe('other');
    expect(vocabulary.department(null)).toBe('unspecified');
    expect(vocabulary.department('  ')).toBe('unspecified');
  });

  it('refuses ids that could make a label ambiguous, reserved or a formula', () => {
    for (const id of ['a/b', 'a:b', 'other', 'ALL', 'unspecified', '=x', '', 'x'.repeat(65)]) expect(() => new PlaceVocabulary([id])).toThrow(RangeError);
  });

  it('accepts a facility filter only for configured facilities and "other"', () => {
    expect(vocabulary.knowsFacility('NORTH')).toBe(true);
    expect(vocabulary.facilityId('NORTH')).toBe('North');
    expect(vocabulary.knowsFacility('other')).toBe(true);
    expect(vocabulary.knowsFacility('canary-fac-1')).toBe(false);
  });
});

describe('place keys', () => {
  it('keeps facility sec-col / department a/b apart from facility sec-col/a / department b', () => {
    const a: Place = { level: 'department', facility: 'sec-col', department: 'a/b' };
    const b: Place = { level: 'department', facility: 'sec-col/a', department: 'b' };
    expect(placeKey(a)).not.toBe(placeKey(b));
  });

  it('property: different places never share a node id, whatever their text', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', ':', '"', '\\', ',', '[', ']'), maxLength: 6 });
    const place = fc.oneof(
      fc.constant<Place>({ level: 'all' }),
      text.map((facility): Place => ({ level: 'facility', facility })),
      fc.tuple(text, text).map(([facility, department]): Place => ({ level: 'department', facility, department })),
    );
    fc.assert(
      fc.property(place, place, (p, q) => {
        if (JSON.stringify(p) !== JSON.stringify(q)) expect(placeKey(p)).not.toBe(placeKey(q));
      }),
      { numRuns: 2000, seed: 0x91ace },
    );
  });

  it('builds a release from the two incidents that used to collide, with or without them in the vocabulary', () => {
    const facts = [...caseFacts(12, { facility: 'sec-col', department: 'a/b' }), ...caseFacts(12, { facility: 'sec-col/a', department: 'b' })];
    for (const vocabulary of [new PlaceVocabulary(), new PlaceVocabulary(['sec-col'], ['a', 'b'])]) {
      const { release } = buildRelease(YEAR, facts, { minCellSize: 11, vocabulary });
      expect(release.rows[placeKey({ level: 'all' })].cells.cases).toEqual({ value: 24, suppressed: false });
      expect(new Set(release.places).size).toBe(release.places.length);
    }
    const { release } = buildRelease(YEAR, facts, { minCellSize: 11, vocabulary: new PlaceVocabulary(['sec-col'], ['a', 'b']) });
    expect(release.places.map((key) => placeLabel(release.rows[key].place)).sort()).toEqual([
      'all', 'department:other/b', 'department:sec-col/other', 'facility:other', 'facility:sec-col',
    ]);
  });

  it('places a case in all, its facility and its department, through the vocabulary', () => {
    expect(placesOf('north', null, new PlaceVocabulary(['north'])).map(placeLabel)).toEqual(['all', 'facility:north', 'department:north/unspecified']);
  });
});
