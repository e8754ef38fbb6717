import fc from 'fast-check';
import { DEFAULT_PAGE_TEMPLATE, groupDebriefOfferText, newReplyCode, PageVariables, renderPage, STAFF_PAGE_TEXT } from './page-content';

const LINK = 'https://harbor.example.org/a/6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d.1714982400.abc_DEF-123';

/** Splits the template around its placeholders: the fixed text a page may contain besides code and link. */
const fixedText = DEFAULT_PAGE_TEMPLATE.split(/\{code\}|\{link\}/);

describe('renderPage', () => {
  it('fills the default template with the code twice and the link once', () => {
    expect(renderPage(DEFAULT_PAGE_TEMPLATE, { replyCode: '4821', link: LINK })).toBe(
      `Harbor: a colleague may benefit from peer support. Reply YES 4821 to accept or NO 4821 to pass, or open ${LINK}`,
    );
  });

  it('leaves no placeholder behind', () => {
    expect(renderPage(DEFAULT_PAGE_TEMPLATE, { replyCode: '4821', link: LINK })).not.toMatch(/\{(code|link)\}/);
  });

  it('says nothing about the clinician, the event or the patient', () => {
    expect(DEFAULT_PAGE_TEMPLATE).not.toMatch(/\{(?!code\}|link\})[^}]*\}/); // no other placeholder
    expect(fixedText).toHaveLength(4); // code, code, link
  });

  it('inserts values literally, even ones that look like replacement patterns', () => {
    const link = "https://x.example/a?q=$&$'$`$$$1";
    expect(renderPage('open {link} now', { replyCode: '1234', link })).toBe(`open ${link} now`);
  });

  it('does not expand placeholders inside the substituted values', () => {
    expect(renderPage('{code} {link}', { replyCode: '{link}', link: '{code}' })).toBe('{link} {code}');
  });

  it('ignores any extra properties smuggled onto the variables', () => {
    const variables = {
      replyCode: '4821',
      link: LINK,
      clinicianName: 'CANARY Dr Jane Roe',
      name: 'CANARY',
      patient: 'CANARY MRN 000123',
      narrative: 'CANARY 10x dose',
      code: 'CANARY',
    } as unknown as PageVariables;
    const page = renderPage(`${DEFAULT_PAGE_TEMPLATE} {name} {clinicianName} {patient} {narrative}`, variables);
    expect(page).not.toContain('CANARY');
    expect(renderPage(DEFAULT_PAGE_TEMPLATE, variables)).toBe(renderPage(DEFAULT_PAGE_TEMPLATE, { replyCode: '4821', link: LINK }));
  });

  it('property: the default page is exactly the template text with the code and link put in', () => {
    const code = fc.integer({ min: 1000, max: 9999 }).map(String);
    const link = fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string());
    fc.assert(
      fc.property(code, link, fc.string(), (replyCode, theLink, canary) => {
        fc.pre(canary.length >= 8);
        const variables = { replyCode, link: theLink, clinicianName: canary, patient: canary } as unknown as PageVariables;
        const page = renderPage(DEFAULT_PAGE_TEMPLATE, variables);
        expect(page).toBe(fixedText[0] + replyCode + fixedText[1] + replyCode + fixedText[2] + theLink + fixedText[3]);
        // Nothing but template text, code and link: removing them leaves exactly the template's fixed text.
        expect(page.length).toBe(fixedText.join('').length + 2 * replyCode.length + theLink.length);
      }),
      { numRuns: 500 },
    );
  });
});

describe('newReplyCode', () => {
  it('maps the ends of random()\'s range to 1000 and 9999', () => {
    expect(newReplyCode(() => 0)).toBe('1000');
    expect(newReplyCode(() => 0.9999999999)).toBe('9999');
    expect(newReplyCode(() => 0.5)).toBe('5500');
  });

  it('property: always four digits in 1000..9999 for any random() in [0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (random) => {
        const code = newReplyCode(() => random);
        expect(code).toMatch(/^[1-9][0-9]{3}$/);
        expect(Number(code)).toBeGreaterThanOrEqual(1000);
        expect(Number(code)).toBeLessThanOrEqual(9999);
      }),
    );
  });

  it('property: each code owns an equal slice of random()\'s range, so all 9000 are reachable and equally likely', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8999 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (index, within) => {
        // Any value inside [index/9000, (index+1)/9000) yields code 1000 + index (sampled away from the edges,
        // where floating-point division may land on either side).
        expect(newReplyCode(() => (index + within) / 9000)).toBe(String(1000 + index));
      }),
    );
  });

  it('uses Math.random by default', () => {
    const codes = Array.from({ length: 200 }, () => newReplyCode());
    for (const code of codes) expect(code).toMatch(/^[1-9][0-9]{3}$/);
    expect(new Set(codes).size).toBeGreaterThan(1);
  });
});

describe('groupDebriefOfferText', () => {
  it('names the unit and the kind of offer, and nothing else', () => {
    expect(groupDebriefOfferText('icu')).toBe(
      'Harbor: one event involved several colleagues of unit "icu". Please offer the unit a group debrief; details in the Harbor program console.',
    );
    expect(groupDebriefOfferText(undefined)).toBe(STAFF_PAGE_TEXT['group-debrief-offer']);
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 100 }), (unit) => {
      const text = groupDebriefOfferText(unit);
      // The unit appears once, verbatim (no placeholder expansion), inside the fixed sentence.
      return text.split(`"${unit}"`).length === 2 && text.startsWith('Harbor: one event involved several colleagues of unit "');
    }));
  });
});
