import { Role } from '@harbor/auth';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, waitFor } from '../support/infrastructure';

export const NPI = 'http://hl7.org/fhir/sid/us-npi';
export const REF_SYSTEM = 'urn:harbor:fhir:Practitioner';

let counter = 0;
/** A fresh clinician value per call, so tests that share one harness never share a cooldown or an opt-out. */
export function freshId(prefix = 'c'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export async function publish(harbor: HarborHarness, topic: string, records: { key?: string; value: string | Buffer; headers?: Record<string, string> }[]): Promise<void> {
  const producer = kafkaClient().producer();
  await producer.connect();
  try {
    await producer.send({ topic: harbor.topic(topic), messages: records.map((record) => ({ key: record.key ?? 'k', value: record.value, headers: record.headers })) });
  } finally {
    await producer.disconnect();
  }
}

export interface ClinicianRow {
  trigger_id: string;
  decision: string;
  request_id: string | null;
}

export async function clinicianRows(harbor: HarborHarness, system: string, value: string): Promise<ClinicianRow[]> {
  const { rows } = await harbor.db.query(
    `SELECT "trigger_id", "decision", "request_id" FROM "intake"."trigger_clinicians"
     WHERE "identifier_system" = $1 AND "identifier_value" = $2 ORDER BY "created_at"`,
    [system, value],
  );
  return rows;
}

export async function waitForClinician(harbor: HarborHarness, system: string, value: string, count = 1): Promise<ClinicianRow[]> {
  return waitFor(async () => {
    const rows = await clinicianRows(harbor, system, value);
    return rows.length >= count ? rows : undefined;
  }, `${count} trigger_clinicians row(s) for ${value}`);
}

/** Support requests written to intake's outbox for one clinician (what reaches support.requested.v1). */
export async function supportRequestsFor(harbor: HarborHarness, value: string): Promise<Record<string, unknown>[]> {
  const { rows } = await harbor.db.query(
    `SELECT "payload" FROM "intake"."outbox" WHERE "topic" = $1 AND "payload"->'clinician'->>'value' = $2 ORDER BY "seq"`,
    [harbor.topic('support.requested.v1'), value],
  );
  return rows.map((row) => row.payload);
}

export async function post(harbor: HarborHarness, path: string, body: unknown, init: { role?: Role; contentType?: string } = {}): Promise<Response> {
  return harbor.request('intake', path, {
    method: 'POST',
    role: init.role ?? Role.SourceSystem,
    headers: { 'content-type': init.contentType ?? 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export function nativeIncident(clinicianValues: string[], overrides: Record<string, unknown> = {}) {
  return {
    source: 'rl-datix',
    sourceEventId: freshId('INC'),
    occurredAt: '2026-11-26T05:00:00Z',
    reportedAt: '2026-11-26T05:20:00Z',
    category: 'medication-error',
    harmLevel: 'severe',
    facility: 'general',
    department: 'emergency',
    involvedClinicians: clinicianValues.map((value) => ({ identifier: { system: NPI, value }, role: 'prescriber' })),
    ...overrides,
  };
}

/** A response body as loosely typed JSON, for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function jsonOf(response: Response): Promise<any> {
  return response.json();
}
