import fc from 'fast-check';
import { DEFAULT_PAGE_TEMPLATE, PageVariables, renderPage } from './page-content';
import { parseTemplates, templateFor, templateProblems } from './page-templates';

const TEMPLATES = {
  default: { en: 'Harbor: support needed. YES {code} / NO {code}. {link}', es: 'Harbor: apoyo. SI {code}. {link}' },
  surgery: { en: 'Harbor surgery program: YES {code} or {link}' },
};

describe('templateFor', () => {
  it('prefers program + language, then base language, then English, then the default program, then built-in', () => {
    expect(templateFor(TEMPLATES, 'surgery', 'en')).toBe(TEMPLATES.surgery.en);
    expect(templateFor(TEMPLATES, 'surgery', 'es-US')).toBe(TEMPLATES.surgery.en);
    expect(templateFor(TEMPLATES, 'unknown', 'es-US')).toBe(TEMPLATES.default.es);
    expect(templateFor(TEMPLATES, undefined, 'fr')).toBe(TEMPLATES.default.en);
    expect(templateFor({}, 'surgery', 'es')).toBe(DEFAULT_PAGE_TEMPLATE);
    expect(templateFor(TEMPLATES, '__proto__', 'en')).toBe(TEMPLATES.default.en);
  });
});

describe('templateProblems', () => {
  it('accepts templates using only {code} and {link}', () => expect(templateProblems(JSON.stringify(TEMPLATES))).toEqual([]));
  it.each([
    ['{"default":{"en":"Dr {clinicianName}: YES {code}"}}', /only \{code\} and \{link\}.*\{clinicianName\}/],
    ['{"default":{"en":"{category} at {facility} {link}"}}', /\{category\}, \{facility\}/],
    ['{"default":{"en":"no way to answer"}}', /must contain \{code\} or \{link\}/],
    ['{"default":{"english":"YES {code}"}}', /language must look like/],
    ['{"default":{"en":""}}', /non-empty string/],
    ['[1]', /must be an object/],
    ['not json', /not valid JSON/],
  ])('rejects %s', (json, problem) => expect(templateProblems(json).join('; ')).toMatch(problem));

  it('parseTemplates throws naming the variable', () => expect(() => parseTemplates('{"x":{"en":"{name}"}}')).toThrow(/^NOTIFY_TEMPLATES: /));
});

/**
 * The proof that no template can put directory names, event categories or identifiers into a page: the
 * renderer reads only `replyCode` and `link` (checked with a recording proxy), and for any template at all,
 * values offered under any other name never appear in the output.
 */
describe('no template can render anything but the code and the link', () => {
  const secretField = fc.constantFrom('displayName', 'clinicianName', 'name', 'category', 'event', 'facility', 'department', 'npi', 'identifier', 'caseId', 'patient', 'mrn');
  // Marker characters that templates, codes and links never contain, so any appearance comes from a secret.
  const secretValue = fc.string({ minLength: 1, maxLength: 20 }).map((text) => `\u2603${text}\u2603`);
  const template = fc.array(fc.oneof(fc.string().filter((text) => !text.includes('\u2603')), fc.constantFrom('{code}', '{link}', '{name}', '{category}', '{npi}', '{displayName}', '{}', '{code')), { maxLength: 12 }).map((parts) => parts.join(''));

  it('property: secrets passed under any other key never reach the page', () => {
    fc.assert(
      fc.property(template, fc.dictionary(secretField, secretValue, { minKeys: 1 }), fc.integer({ min: 1000, max: 9999 }), (text, secrets, code) => {
        const variables = { ...secrets, replyCode: String(code), link: 'https://h.example/a/x.1.y' } as unknown as PageVariables;
        const page = renderPage(text, variables);
        expect(page).not.toContain('\u2603');
      }),
      { numRuns: 500 },
    );
  });

  it('property: the renderer reads no property other than replyCode and link', () => {
    fc.assert(
      fc.property(template, (text) => {
        const read = new Set<string | symbol>();
        const variables = new Proxy({ replyCode: '4821', link: 'https://h.example/a/x' }, {
          get(target, property, receiver) {
            read.add(property);
            return Reflect.get(target, property, receiver);
          },
        });
        renderPage(text, variables);
        for (const property of read) expect(['replyCode', 'link']).toContain(property);
      }),
      { numRuns: 500 },
    );
  });

  it('property: every accepted configured template renders only its own text, the code and the link', () => {
    fc.assert(
      fc.property(template, fc.integer({ min: 1000, max: 9999 }), (text, code) => {
        fc.pre(templateProblems(JSON.stringify({ default: { en: text } })).length === 0);
        const link = 'https://h.example/a/token';
        const page = renderPage(text, { replyCode: String(code), link });
        expect(page).toBe(text.split('{code}').map((part) => part.split('{link}').join(link)).join(String(code)));
      }),
      { numRuns: 500 },
    );
  });
});
