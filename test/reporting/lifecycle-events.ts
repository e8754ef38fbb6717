import { randomUUID } from 'node:crypto';
import { Producer } from 'kafkajs';
import { CaseLifecycle, CaseLifecycleV1, ReferralType, versionedType } from '@harbor/contracts';
import { HEADER } from '@harbor/messaging';
import { kafkaClient, uniqueSuffix, waitFor } from '../support/infrastructure';

/** A case's lifecycle as matching would publish it, built from a few knobs. */
export interface CaseScript {
  caseId: string;
  supporterId: string;
  facility: string;
  department?: string;
  at: Date;
  contactAfterMinutes?: number;
  declined?: boolean;
  referrals?: ReferralType[];
  escalate?: boolean;
}

/**
 * 30 cases in March 2025: north 20 (icu 12, ed 8), south 10. North: 14 reached within 20 minutes (11 of
 * them referred to EAP), 1 declined at 25 minutes, 3 reached at 45 minutes, 2 not reached. South: 8
 * reached at 90 minutes, 2 escalated to the external line. Five supporters share the work.
 */
export function marchScripts(): CaseScript[] {
  const scripts: CaseScript[] = [];
  const supporters = ['sup-alpha', 'sup-bravo', 'sup-charlie', 'sup-delta', 'sup-echo'];
  for (let i = 0; i < 30; i++) {
    const north = i < 20;
    const script: CaseScript = {
      caseId: randomUUID(),
      supporterId: supporters[i % supporters.length],
      facility: north ? 'north' : 'south',
      department: north ? (i < 12 ? 'icu' : 'ed') : undefined,
      at: new Date(Date.UTC(2025, 2, 3 + (i % 25), 8 + (i % 10), 17)),
    };
    if (north && i < 14) Object.assign(script, { contactAfterMinutes: 20, referrals: i < 11 ? ['eap-therapy'] : [] });
    else if (north && i === 14) Object.assign(script, { contactAfterMinutes: 25, declined: true });
    else if (north && i < 18) Object.assign(script, { contactAfterMinutes: 45 });
    else if (!north && i < 28) Object.assign(script, { contactAfterMinutes: 90 });
    else if (!north) Object.assign(script, { escalate: true });
    scripts.push(script);
  }
  return scripts;
}

export function lifecycleEvents(script: CaseScript): CaseLifecycleV1[] {
  const minutes = (n: number) => new Date(script.at.getTime() + n * 60_000).toISOString();
  const base = {
    caseId: script.caseId,
    trigger: { kind: 'incident' as const, category: 'medication-error' as const, harmLevel: 'severe' as const, occurredAt: minutes(-30) },
    facility: script.facility,
    department: script.department,
    professionGroup: 'physician' as const,
  };
  const events: CaseLifecycleV1[] = [{ ...base, status: 'requested', at: minutes(0) }];
  if (script.escalate) {
    events.push({ ...base, status: 'escalated', at: minutes(40), escalationReason: 'no-eligible-supporter', fallbackResource: 'national-line' });
    return events;
  }
  events.push({ ...base, status: 'offered', at: minutes(2), attempt: 1, supporterId: script.supporterId });
  events.push({ ...base, status: 'accepted', at: minutes(6), attempt: 1, supporterId: script.supporterId });
  if (script.contactAfterMinutes !== undefined) {
    events.push({
      ...base,
      status: script.declined ? 'declined-by-clinician' : 'contacted',
      at: minutes(script.contactAfterMinutes),
      supporterId: script.supporterId,
      outcome: { contactMade: true, supportDeclined: script.declined ?? false, referrals: script.referrals ?? [] },
    });
    if (!script.declined) events.push({ ...base, status: 'follow-up', at: minutes(60 * 24), supporterId: script.supporterId, followUpSequence: 1 });
  }
  return events;
}

export async function produceLifecycle(producer: Producer, topic: string, events: CaseLifecycleV1[]): Promise<void> {
  await producer.send({
    topic,
    messages: events.map((event) => ({
      key: event.caseId,
      value: JSON.stringify(event),
      headers: {
        [HEADER.id]: randomUUID(),
        [HEADER.type]: versionedType(CaseLifecycle),
        [HEADER.source]: 'harbor/matching',
        [HEADER.specVersion]: '1.0',
        [HEADER.time]: event.at,
        [HEADER.contentType]: 'application/json',
      },
    })),
  });
}

/** `count` cases at one place, opened from `at` an hour apart, each reached after 20 minutes. */
export function casesAt(count: number, place: { facility: string; department?: string; at: Date; supporterId?: string }): CaseScript[] {
  return Array.from({ length: count }, (_, i) => ({
    caseId: randomUUID(),
    supporterId: place.supporterId ?? `sup-${i % 3}`,
    facility: place.facility,
    department: place.department,
    at: new Date(place.at.getTime() + i * 3_600_000),
    contactAfterMinutes: 20,
  }));
}

/** The payloads of `support.metrics.v1` read from the beginning, with their keys, until `done` says enough. */
export async function readReleases(
  topic: string,
  done: (releases: { key: string; payload: Record<string, unknown> }[]) => boolean,
  what: string,
): Promise<{ key: string; payload: Record<string, unknown> }[]> {
  const consumer = kafkaClient().consumer({ groupId: `test-releases-${uniqueSuffix()}` });
  const releases: { key: string; payload: Record<string, unknown> }[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void releases.push({ key: message.key!.toString(), payload: JSON.parse(message.value!.toString()) }) });
    await waitFor(async () => done(releases), what, 60_000);
    return releases;
  } finally {
    await consumer.disconnect();
  }
}
