import { ProfessionGroup } from '@harbor/contracts';

const GROUPS: Record<string, ProfessionGroup> = {
  physician: 'physician',
  resident: 'physician',
  surgeon: 'physician',
  anesthesiologist: 'physician',
  nurse: 'nursing',
  'nurse-practitioner': 'nursing',
  midwife: 'nursing',
  pharmacist: 'pharmacy',
  therapist: 'allied-health',
  technologist: 'allied-health',
  paramedic: 'allied-health',
};

/** Reporting sees only broad profession groups, never the exact role. */
export function professionGroupOf(profession: string | null | undefined): ProfessionGroup | undefined {
  if (!profession) return undefined;
  const key = profession.toLowerCase();
  // Own keys only: a profession such as "constructor" must not resolve to an Object.prototype member.
  return Object.hasOwn(GROUPS, key) ? GROUPS[key] : 'other';
}
