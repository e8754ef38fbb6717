import { finished, Readable } from 'node:stream';
import { CsvError, parse, Parser } from 'csv-parse';
import { canonicalIdentifierSystem } from '@harbor/contracts';
import { FieldProblem } from '@harbor/input';

/** A clinician as read from a bulk source, before validation (same shape as POST /v1/directory/clinicians). */
export interface ImportedClinician {
  identifiers: { system: string; value: string }[];
  displayName: string;
  /** null: the source says nothing about it (a FHIR Practitioner without role or qualification); '' is a missing value. */
  profession: string | null;
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
  /** Why the row cannot be imported, and the field it concerns (`row` when none). */
  error?: string;
  field?: string;
  /** The row is imported, but not all of it could be read (e.g. the profession is unknown). */
  warnings?: FieldProblem[];
}

export const CSV_COLUMNS = ['identifiers', 'displayName', 'profession', 'department', 'facility', 'phone', 'email', 'languages', 'optedOut'];

/** Whole-file limits of a CSV import: past either, the whole file is refused and nothing from it is kept. */
export interface CsvLimits {
  bytes: number;
  rows: number;
}

/** The file as a whole cannot be imported (too large, unreadable, unknown columns); `status` is the HTTP status to answer. */
export class UnreadableImportError extends Error {
  constructor(message: string, readonly status: 413 | 422 = 422) {
    super(message);
  }
}

const list = (value: string | undefined) => (value ?? '').split(';').map((item) => item.trim()).filter(Boolean);
const optional = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** One CSV record (already keyed by column) as a source row. */
function clinicianRowFromCsvRecord(record: Record<string, string>, row: number): SourceRow {
  const identifiers = list(record.identifiers).map((pair) => {
    const at = pair.lastIndexOf('|');
    return { system: pair.slice(0, Math.max(at, 0)), value: pair.slice(at + 1) };
  });
  const optedOut = optional(record.optedOut)?.toLowerCase();
  if (optedOut !== undefined && optedOut !== 'true' && optedOut !== 'false') return { row, error: 'optedOut must be true or false' };
  return {
    row,
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
}

/**
 * CSV with a header row, read as it streams in: the body is never held whole, only what the parser has buffered.
 * `identifiers` holds `system|value` pairs separated by `;`, `languages` codes separated by `;`, `optedOut`
 * is `true`/`false` (empty = false). Unknown columns are an error, so a misspelt column never silently drops
 * data. Rows are numbered from 1 (header excluded, empty lines skipped). Throws UnreadableImportError for the
 * whole file: over `limits`, malformed CSV (its line, never its content) or unknown columns.
 */
export async function* clinicianRowsFromCsv(source: Readable, limits: CsvLimits): AsyncGenerator<SourceRow> {
  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    trim: true,
    columns: (header: string[]) => {
      const unknown = header.filter((column) => !CSV_COLUMNS.includes(column));
      if (unknown.length > 0) throw new UnreadableImportError(`unknown column(s): ${unknown.join(', ')}; expected ${CSV_COLUMNS.join(', ')}`);
      return header;
    },
  });
  const stopFeeding = feed(source, parser, limits.bytes);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      if (++row > limits.rows) throw new UnreadableImportError(`at most ${limits.rows} clinicians per import`, 413);
      yield clinicianRowFromCsvRecord(record, row);
    }
  } catch (error) {
    throw readableCause(error);
  } finally {
    stopFeeding();
    parser.destroy();
  }
}

/**
 * Writes the body into the parser as it arrives, pausing the body while the parser is full, and stops at the
 * byte limit. Stopping discards the rest of the body instead of destroying it, so a refused upload still
 * gets its answer (a request stream destroyed early takes the connection with it).
 */
function feed(source: Readable, parser: Parser, limit: number): () => void {
  let size = 0;
  const write = (chunk: Buffer | string) => {
    size += Buffer.byteLength(chunk);
    if (size > limit) return stop(new UnreadableImportError(`larger than ${limit} bytes`, 413));
    if (!parser.write(chunk)) source.pause();
  };
  const resume = () => source.resume();
  const endOfBody = finished(source, { writable: false }, (error) => (error ? parser.destroy(error) : parser.end()));
  function stop(error?: Error) {
    source.off('data', write);
    parser.off('drain', resume);
    endOfBody();
    source.resume();
    if (error) parser.destroy(error);
  }
  source.on('data', write);
  parser.on('drain', resume);
  return stop;
}

/** csv-parse quotes the offending field in some messages; say where, never what. */
function readableCause(error: unknown): unknown {
  if (error instanceof UnreadableImportError) return error;
  if (error instanceof CsvError) {
    const { lines, column } = error as CsvError & { lines?: number; column?: unknown };
    const where = [lines ? ` at line ${lines}` : '', typeof column === 'string' && CSV_COLUMNS.includes(column) ? `, column ${column}` : ''].join('');
    return new UnreadableImportError(`malformed CSV${where} (${error.code})`);
  }
  return error;
}

interface FhirCoding { system?: string; code?: string; display?: string }
interface FhirConcept { text?: string; coding?: FhirCoding[] }
interface FhirIdentifier { system?: string; value?: string }
interface FhirReference { reference?: string; identifier?: FhirIdentifier; display?: string }
interface FhirResource {
  resourceType?: string;
  id?: string;
  identifier?: FhirIdentifier[];
  name?: { text?: string; given?: string[]; family?: string; prefix?: string[] }[];
  telecom?: { system?: string; value?: string }[];
  communication?: FhirConcept[] | { language?: FhirConcept }[];
  qualification?: { code?: FhirConcept }[];
  practitioner?: FhirReference;
  code?: FhirConcept[];
  specialty?: FhirConcept[];
  location?: { display?: string }[];
  organization?: { display?: string };
  active?: boolean;
}
interface FhirEntry { fullUrl?: string; resource?: FhirResource }

/**
 * Bundle types whose entries are resources to read. `document`, `message`, `history` and `subscription-notification`
 * are not directory extracts (a history would replay old versions) and are refused as a whole. A response
 * Bundle carries a resource only where the server returned one; entries without a resource are skipped.
 */
export const FHIR_BUNDLE_TYPES = ['collection', 'searchset', 'transaction', 'batch', 'transaction-response', 'batch-response'];

/**
 * Well-known codes for a profession, by code system: the HL7 practitioner-role codes (PractitionerRole.code)
 * and the HL7 v2 degree/licence codes (table 0360, Practitioner.qualification.code). A code from any other
 * system, or an unknown code, is read as its text, display or code, lower-cased, as before.
 */
const PROFESSION_BY_CODE: Record<string, Record<string, string>> = {
  'http://terminology.hl7.org/CodeSystem/practitioner-role': { doctor: 'physician', nurse: 'nurse', pharmacist: 'pharmacist' },
  'http://terminology.hl7.org/CodeSystem/v2-0360': {
    MD: 'physician', DO: 'physician', MBBS: 'physician', RN: 'nurse', LPN: 'nurse', BSN: 'nurse', MSN: 'nurse', NP: 'nurse-practitioner',
    CNM: 'midwife', PharmD: 'pharmacist', RPH: 'pharmacist', PA: 'physician-assistant', EMT: 'paramedic', PN: 'nurse',
  },
};

const conceptText = (concept: FhirConcept | undefined) => concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code;

/** A profession from a role or qualification code: a well-known code's profession, else its text lower-cased. */
export function professionOfConcept(concept: FhirConcept | undefined): string | undefined {
  for (const coding of concept?.coding ?? []) {
    const table = coding?.system !== undefined && Object.hasOwn(PROFESSION_BY_CODE, coding.system) ? PROFESSION_BY_CODE[coding.system] : undefined;
    if (table && typeof coding.code === 'string' && Object.hasOwn(table, coding.code)) return table[coding.code];
  }
  const text = conceptText(concept);
  return typeof text === 'string' && text.trim() ? text.trim().toLowerCase() : undefined;
}

function nameOf(practitioner: FhirResource): string {
  const name = practitioner.name?.[0];
  if (!name) return '';
  return name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family].filter(Boolean).join(' ');
}

/** `…/_history/<version>` names one version of a resource; for the directory every version is the resource. */
const withoutHistory = (reference: string) => reference.replace(/\/_history\/[^/]+$/, '');

/** `Practitioner/<id>` at the end of a relative or absolute reference (FHIR ids: 1–64 of A–Z a–z 0–9 - .). */
const practitionerIdIn = (reference: string) => /(?:^|\/)Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];

/** How a reference or an error message may quote it: bounded, so a report never echoes a huge value. */
const quoted = (reference: string) => JSON.stringify(reference.length > 200 ? `${reference.slice(0, 200)}…` : reference);

/**
 * The Practitioner entries of a Bundle, found by reference the ways FHIR defines: the entry's `fullUrl`
 * (`urn:uuid:`, `urn:oid:` or an absolute URL), a relative `Practitioner/<id>` (the resource's id, or a
 * fullUrl ending in `/Practitioner/<id>`), an absolute `https://host/fhir/Practitioner/<id>`, each with or
 * without `/_history/<version>`; a conditional reference `Practitioner?identifier=<system>|<value>` (as in a
 * transaction) and a logical reference (`Reference.identifier`) by the Practitioner's identifiers.
 */
class PractitionerIndex {
  private readonly byFullUrl = new Map<string, number>();
  private readonly byId = new Map<string, number>();
  private readonly byIdentifier = new Map<string, number>();

  add(index: number, entry: FhirEntry): void {
    const { fullUrl, resource } = entry;
    const remember = (map: Map<string, number>, key: string | undefined) => {
      if (key !== undefined && !map.has(key)) map.set(key, index);
    };
    if (typeof fullUrl === 'string' && fullUrl) {
      remember(this.byFullUrl, withoutHistory(fullUrl));
      remember(this.byId, practitionerIdIn(withoutHistory(fullUrl)));
    }
    if (typeof resource?.id === 'string') remember(this.byId, resource.id);
    for (const identifier of identifiersOf(resource!)) remember(this.byIdentifier, `${canonicalIdentifierSystem(identifier.system)}|${identifier.value}`);
  }

  /** The entry index the reference points at, or undefined. */
  find(reference: FhirReference): number | undefined {
    const literal = typeof reference.reference === 'string' ? reference.reference.trim() : '';
    if (literal) {
      const conditional = /^Practitioner\?identifier=(.*)$/.exec(literal);
      if (conditional) return this.findIdentifier(conditional[1]);
      const target = withoutHistory(literal);
      const byUrl = this.byFullUrl.get(target);
      if (byUrl !== undefined) return byUrl;
      const id = practitionerIdIn(target);
      return id === undefined ? undefined : this.byId.get(id);
    }
    const { system, value } = reference.identifier ?? {};
    return typeof system === 'string' && typeof value === 'string' ? this.byIdentifier.get(`${canonicalIdentifierSystem(system)}|${value}`) : undefined;
  }

  /** `system|value` as in a search parameter (URL-encoded or not). */
  private findIdentifier(token: string): number | undefined {
    let decoded = token;
    try {
      decoded = decodeURIComponent(token);
    } catch {
      // Not URL-encoded after all: use it as written.
    }
    const at = decoded.lastIndexOf('|');
    return at < 0 ? undefined : this.byIdentifier.get(`${canonicalIdentifierSystem(decoded.slice(0, at))}|${decoded.slice(at + 1)}`);
  }
}

/** A Practitioner's identifiers as given (validation refuses an empty system or value). */
function identifiersOf(practitioner: FhirResource): { system: string; value: string }[] {
  const identifiers = Array.isArray(practitioner.identifier) ? practitioner.identifier : [];
  return identifiers.map((identifier) => ({
    system: typeof identifier?.system === 'string' ? identifier.system : '',
    value: typeof identifier?.value === 'string' ? identifier.value : '',
  }));
}

/**
 * A FHIR R4/R5 Bundle (`collection`, `searchset`, `transaction`, `batch` or their responses) of Practitioner and
 * PractitionerRole resources, in any order. Practitioner gives identifiers, name, phone, email and languages
 * (`communication`); its PractitionerRole gives the profession (`code`), department (`specialty`) and facility
 * (`location`, else `organization`). Of several roles for one practitioner, the first active one (bundle order)
 * that has a code wins, else the first active one, else the first. Without a role (or a role without a code)
 * the profession comes from the first `qualification` whose code names one; failing that the clinician is
 * imported with profession unknown and a warning on its row. A role whose practitioner cannot be found in
 * the Bundle fails on its own row, naming the reference. Other resource types are ignored.
 */
export function clinicianRowsFromFhirBundle(bundle: unknown): SourceRow[] {
  const { resourceType, type, entry } = (bundle ?? {}) as { resourceType?: unknown; type?: unknown; entry?: unknown };
  if (resourceType !== 'Bundle' || (entry !== undefined && !Array.isArray(entry))) throw new Error('expected a FHIR Bundle with an entry array');
  if (type !== undefined && !FHIR_BUNDLE_TYPES.includes(type as string)) {
    throw new Error(`Bundle.type must be one of ${FHIR_BUNDLE_TYPES.join(', ')}; a ${typeof type === 'string' ? quoted(type) : 'non-string'} Bundle is not a directory extract`);
  }
  const entries = ((entry ?? []) as unknown[]).map((item) => (item !== null && typeof item === 'object' ? (item as FhirEntry) : {}));
  const resourceOf = (item: FhirEntry) => (item.resource !== null && typeof item.resource === 'object' ? item.resource : undefined);

  const practitioners = new PractitionerIndex();
  entries.forEach((item, index) => {
    if (resourceOf(item)?.resourceType === 'Practitioner') practitioners.add(index, item);
  });

  const rows: SourceRow[] = [];
  const rolesOf = new Map<number, FhirResource[]>();
  entries.forEach((item, index) => {
    const role = resourceOf(item);
    if (role?.resourceType !== 'PractitionerRole') return;
    const reference = role.practitioner !== null && typeof role.practitioner === 'object' ? role.practitioner : undefined;
    if (!reference || (typeof reference.reference !== 'string' && typeof reference.identifier !== 'object')) {
      rows.push({ row: index + 1, error: 'PractitionerRole.practitioner names no Practitioner', field: 'practitioner' });
      return;
    }
    const target = practitioners.find(reference);
    if (target === undefined) {
      const named = typeof reference.reference === 'string' ? quoted(reference.reference) : 'by identifier';
      rows.push({ row: index + 1, error: `PractitionerRole.practitioner ${named} matches no Practitioner in the Bundle`, field: 'practitioner.reference' });
      return;
    }
    rolesOf.set(target, [...(rolesOf.get(target) ?? []), role]);
  });

  entries.forEach((item, index) => {
    const practitioner = resourceOf(item);
    if (practitioner?.resourceType !== 'Practitioner') return;
    const role = chosenRole(rolesOf.get(index) ?? []);
    const warnings: FieldProblem[] = [];
    let profession: string | null | undefined = professionOfConcept(role?.code?.[0]);
    if (profession === undefined) profession = professionFromQualifications(practitioner);
    if (profession === undefined) {
      profession = null;
      warnings.push({ field: 'profession', message: 'unknown: no PractitionerRole.code or Practitioner.qualification names one; imported without a profession' });
    }
    const languages = (Array.isArray(practitioner.communication) ? practitioner.communication : [])
      .map((language) => conceptText((language !== null && typeof language === 'object' && 'language' in language ? language.language : language) as FhirConcept))
      .filter((code): code is string => typeof code === 'string' && code !== '')
      .map((code) => code.split('-')[0].toLowerCase());
    const telecom = Array.isArray(practitioner.telecom) ? practitioner.telecom : [];
    rows.push({
      row: index + 1,
      clinician: {
        identifiers: identifiersOf(practitioner),
        displayName: nameOf(practitioner),
        profession,
        department: conceptText(role?.specialty?.[0]),
        facility: role?.location?.[0]?.display ?? role?.organization?.display,
        phone: telecom.find((contact) => contact?.system === 'phone' || contact?.system === 'sms')?.value,
        email: telecom.find((contact) => contact?.system === 'email')?.value,
        languages: languages.length > 0 ? [...new Set(languages)] : undefined,
        optedOut: false,
      },
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  });
  return rows.sort((a, b) => a.row - b.row);
}

/** Of several roles, the first active one with a code, else the first active one, else the first. */
function chosenRole(roles: FhirResource[]): FhirResource | undefined {
  const active = roles.filter((role) => role.active !== false);
  return active.find((role) => professionOfConcept(role.code?.[0]) !== undefined) ?? active[0] ?? roles[0];
}

/** The first qualification whose code is a well-known profession, else the first one with any text. */
function professionFromQualifications(practitioner: FhirResource): string | undefined {
  const codes = (Array.isArray(practitioner.qualification) ? practitioner.qualification : []).map((qualification) => qualification?.code);
  for (const code of codes) {
    const known = (code?.coding ?? []).some((coding) => coding?.system !== undefined && Object.hasOwn(PROFESSION_BY_CODE, coding.system) && typeof coding.code === 'string' && Object.hasOwn(PROFESSION_BY_CODE[coding.system], coding.code));
    if (known) return professionOfConcept(code);
  }
  for (const code of codes) {
    const profession = professionOfConcept(code);
    if (profession !== undefined) return profession;
  }
  return undefined;
}
