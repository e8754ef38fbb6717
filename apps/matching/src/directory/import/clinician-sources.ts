import { finished, Readable } from 'node:stream';
import { CsvError, parse, Parser } from 'csv-parse';

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
