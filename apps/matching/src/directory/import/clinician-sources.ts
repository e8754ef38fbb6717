import { parse } from 'csv-parse/sync';

/** A clinician as read from a bulk source, before validation (same shape as POST /v1/directory/clinicians). */
export interface ImportedClinician {
  identifiers: { system: string; value: string }[];
  displayName: string;
  profession: string;
  department?: string;
  facility?: string;
  phone?: string;
  email?: string;
  languages?: string[];
  optedOut?: boolean;
}

export interface SourceRow {
  /** 1-based CSV data row (header excluded) or Bundle entry index. */
  row: number;
  clinician?: ImportedClinician;
  error?: string;
}

export const CSV_COLUMNS = ['identifiers', 'displayName', 'profession', 'department', 'facility', 'phone', 'email', 'languages', 'optedOut'];

const list = (value: string | undefined) => (value ?? '').split(';').map((item) => item.trim()).filter(Boolean);
const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/**
 * CSV with a header row. `identifiers` holds `system|value` pairs separated by `;`, `languages` codes
 * separated by `;`, `optedOut` is `true`/`false` (empty = false). Unknown columns are an error, so a
 * misspelt column never silently drops data.
 */
export function clinicianRowsFromCsv(text: string): SourceRow[] {
  const records: Record<string, string>[] = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  const header = records.length > 0 ? Object.keys(records[0]) : [];
  const unknown = header.filter((column) => !CSV_COLUMNS.includes(column));
  if (unknown.length > 0) throw new Error(`unknown column(s): ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(', ')}`);
  return records.map((record, index) => {
    const identifiers = list(record.identifiers).map((pair) => {
      const at = pair.lastIndexOf('|');
      return { system: pair.slice(0, Math.max(at, 0)), value: pair.slice(at + 1) };
    });
    const optedOut = optional(record.optedOut)?.toLowerCase();
    if (optedOut !== undefined && optedOut !== 'true' && optedOut !== 'false') return { row: index + 1, error: 'optedOut must be true or false' };
    return {
      row: index + 1,
      clinician: {
        identifiers,
        displayName: record.displayName ?? '',
        profession: record.profession ?? '',
        department: optional(record.department),
        facility: optional(record.facility),
        phone: optional(record.phone),
        email: optional(record.email),
        languages: record.languages ? list(record.languages).map((code) => code.toLowerCase()) : undefined,
        optedOut: optedOut === 'true',
      },
    };
  });
}

interface FhirCoding { system?: string; code?: string; display?: string }
interface FhirConcept { text?: string; coding?: FhirCoding[] }
interface FhirResource {
  resourceType?: string;
  id?: string;
  identifier?: { system?: string; value?: string }[];
  name?: { text?: string; given?: string[]; family?: string; prefix?: string[] }[];
  telecom?: { system?: string; value?: string }[];
  communication?: FhirConcept[] | { language?: FhirConcept }[];
  practitioner?: { reference?: string };
  code?: FhirConcept[];
  specialty?: FhirConcept[];
  location?: { display?: string }[];
  organization?: { display?: string };
  active?: boolean;
}

const conceptText = (concept: FhirConcept | undefined) => concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code;

function nameOf(practitioner: FhirResource): string {
  const name = practitioner.name?.[0];
  if (!name) return '';
  return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/**
 * A FHIR R4/R5 Bundle of Practitioner and PractitionerRole resources. Practitioner gives identifiers, name,
 * phone, email and languages (`communication`); its first PractitionerRole (by `practitioner.reference`)
 * gives the profession (`code`), department (`specialty`) and facility (`location`, else `organization`).
 * Other resource types are ignored; a Practitioner without a PractitionerRole has no profession and fails.
 */
export function clinicianRowsFromFhirBundle(bundle: unknown): SourceRow[] {
  const entries = (bundle as { resourceType?: string; entry?: { resource?: FhirResource }[] })?.entry;
  if ((bundle as { resourceType?: string })?.resourceType !== 'Bundle' || !Array.isArray(entries)) {
    throw new Error('expected a FHIR Bundle with an entry array');
  }
  const roles = new Map<string, FhirResource>();
  for (const entry of entries) {
    const resource = entry?.resource;
    const reference = resource?.resourceType === 'PractitionerRole' ? resource.practitioner?.reference : undefined;
    const id = reference?.split('/').pop();
    if (id && !roles.has(id)) roles.set(id, resource!);
  }
  const rows: SourceRow[] = [];
  entries.forEach((entry, index) => {
    const practitioner = entry?.resource;
    if (practitioner?.resourceType !== 'Practitioner') return;
    const role = practitioner.id ? roles.get(practitioner.id) : undefined;
    const languages = (practitioner.communication ?? [])
      .map((item) => conceptText(('language' in item ? item.language : item) as FhirConcept))
      .filter((code): code is string => Boolean(code))
      .map((code) => code.split('-')[0].toLowerCase());
    rows.push({
      row: index + 1,
      clinician: {
        identifiers: (practitioner.identifier ?? []).map((identifier) => ({ system: identifier.system ?? '', value: identifier.value ?? '' })),
        displayName: nameOf(practitioner),
        profession: conceptText(role?.code?.[0])?.toLowerCase() ?? '',
        department: conceptText(role?.specialty?.[0]),
        facility: role?.location?.[0]?.display ?? role?.organization?.display,
        phone: practitioner.telecom?.find((telecom) => telecom.system === 'phone' || telecom.system === 'sms')?.value,
        email: practitioner.telecom?.find((telecom) => telecom.system === 'email')?.value,
        languages: languages.length > 0 ? [...new Set(languages)] : undefined,
        optedOut: false,
      },
    });
  });
  return rows;
}
