import { ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { DEFAULT_PAGE_TEMPLATE } from './page-content';

/** program id → language → template. "default" is the program used when an offer names none or an unknown one. */
export type PageTemplates = Record<string, Record<string, string>>;

const PLACEHOLDER = /\{[^}]*\}/g;
const ALLOWED = new Set(['{code}', '{link}']);
const MAX_TEMPLATE_LENGTH = 480;

/** Problems with a NOTIFY_TEMPLATES value, each naming the program and language; empty when it is valid. */
export function templateProblems(json: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return ['is not valid JSON'];
  }
  if (!isPlainObject(parsed)) return ['must be an object of program id → { language → template }'];
  const problems: string[] = [];
  for (const [program, languages] of Object.entries(parsed)) {
    if (!isPlainObject(languages)) {
      problems.push(`${program}: must be an object of language → template`);
      continue;
    }
    for (const [language, template] of Object.entries(languages)) {
      const where = `${program}.${language}`;
      if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(language)) problems.push(`${where}: language must look like "en" or "es-US"`);
      if (typeof template !== 'string' || template.trim() === '') {
        problems.push(`${where}: must be a non-empty string`);
        continue;
      }
      if (template.length > MAX_TEMPLATE_LENGTH) problems.push(`${where}: longer than ${MAX_TEMPLATE_LENGTH} characters`);
      const unknown = (template.match(PLACEHOLDER) ?? []).filter((placeholder) => !ALLOWED.has(placeholder));
      if (unknown.length > 0) problems.push(`${where}: only {code} and {link} may be used (found ${[...new Set(unknown)].join(', ')})`);
      if (!template.includes('{code}') && !template.includes('{link}')) problems.push(`${where}: must contain {code} or {link} so the page can be answered`);
    }
  }
  return problems;
}

export function parseTemplates(json: string | undefined): PageTemplates {
  if (!json) return {};
  const problems = templateProblems(json);
  if (problems.length > 0) throw new Error(`NOTIFY_TEMPLATES: ${problems.join('; ')}`);
  return JSON.parse(json) as PageTemplates;
}

/**
 * The template for an offer: the program's template in the offer's language, then in the language's base
 * ("es" for "es-US"), then in English; then the same in the "default" program; then the built-in template.
 */
export function templateFor(templates: PageTemplates, programId?: string, language?: string): string {
  const languages = [language, language?.split('-')[0], 'en'].filter((item): item is string => Boolean(item));
  for (const program of [programId, 'default']) {
    if (!program || !Object.prototype.hasOwnProperty.call(templates, program)) continue;
    for (const candidate of languages) {
      const template = templates[program][candidate];
      if (typeof template === 'string') return template;
    }
  }
  return DEFAULT_PAGE_TEMPLATE;
}

@ValidatorConstraint({ name: 'pageTemplates' })
export class PageTemplatesConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && templateProblems(value).length === 0;
  }

  defaultMessage(args?: ValidationArguments): string {
    return typeof args?.value === 'string' ? templateProblems(args.value).join('; ') : 'must be a JSON string';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
