import { FieldProblem } from '@harbor/input';

export const FORM_FIELDS = ['referredBy', 'staffId', 'name', 'phone', 'email', 'department'] as const;
export type FormField = (typeof FORM_FIELDS)[number];
/** What the person typed, as strings (to show the form again with their values). */
export type FormValues = Partial<Record<FormField, string>>;

/** A valid self-referral form: who, and either a staff id or a name with a way to reach them. */
export interface SelfReferralForm {
  referredBy: 'self' | 'colleague';
  person: { staffId: string } | { name: string; phone?: string; email?: string };
  department?: string;
}

export type ParsedForm = { ok: true; form: SelfReferralForm; values: FormValues } | { ok: false; problems: FieldProblem[]; values: FormValues };

const LIMITS: Record<FormField, number> = { referredBy: 20, staffId: 64, name: 100, phone: 30, email: 254, department: 100 };
// Control characters, and what Postgres text cannot hold: never stored, never echoed.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ud800-\udfff\ufffe\uffff]/;
const STAFF_ID = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
const PHONE = /^\+?[0-9 ().-]+$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;

/**
 * Reads the posted form (urlencoded, or the same fields as JSON). Every problem names its field, so the page can
 * show it beside the field and a client learns what to change; nothing here is stored.
 */
export function parseSelfReferralForm(body: unknown): ParsedForm {
  const source = body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const values: FormValues = {};
  const problems: FieldProblem[] = [];
  for (const field of FORM_FIELDS) {
    const raw = Object.hasOwn(source, field) ? source[field] : undefined;
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string') {
      problems.push({ field, message: 'must be given once, as text' });
      continue;
    }
    const value = raw.trim();
    if (value.length > LIMITS[field]) problems.push({ field, message: `must be at most ${LIMITS[field]} characters` });
    else if (CONTROL.test(value)) problems.push({ field, message: 'must not contain control characters' });
    else if (value !== '') values[field] = value;
  }
  const invalid = new Set(problems.map((problem) => problem.field));
  const check = (field: FormField, valid: (value: string) => boolean, message: string) => {
    const value = values[field];
    if (value !== undefined && !invalid.has(field) && !valid(value)) {
      problems.push({ field, message });
      invalid.add(field);
    }
  };
  if (values.referredBy === undefined && !invalid.has('referredBy')) problems.push({ field: 'referredBy', message: 'choose "for myself" or "for a colleague"' });
  check('referredBy', (value) => value === 'self' || value === 'colleague', 'choose "for myself" or "for a colleague"');
  check('staffId', (value) => STAFF_ID.test(value), 'a staff ID has only letters, digits, dots, dashes and slashes');
  check('phone', (value) => PHONE.test(value) && digits(value) >= 7 && digits(value) <= 15, 'enter a phone number of 7 to 15 digits, e.g. +1 555 010 2000');
  check('email', (value) => EMAIL.test(value), 'enter an email address such as name@hospital.org');
  if (values.staffId === undefined && !invalid.has('staffId')) {
    if (values.name === undefined && !invalid.has('name')) problems.push({ field: 'name', message: 'give a name, or a staff ID' });
    if (values.phone === undefined && values.email === undefined && !invalid.has('phone') && !invalid.has('email')) {
      problems.push({ field: 'phone', message: 'without a staff ID, give a phone number or an email address' });
    }
  }
  if (problems.length > 0) return { ok: false, problems, values };
  const person = values.staffId !== undefined ? { staffId: values.staffId } : { name: values.name!, phone: values.phone, email: values.email };
  return { ok: true, form: { referredBy: values.referredBy as 'self' | 'colleague', person, department: values.department }, values };
}

/** What a triage item shows program staff for a person named without a staff id (forgotten once resolved). */
export function triageText(person: { name: string; phone?: string; email?: string }): string {
  return [person.name, person.phone && `phone ${person.phone}`, person.email && `email ${person.email}`].filter(Boolean).join('; ');
}

function digits(value: string): number {
  return value.replace(/\D/g, '').length;
}
