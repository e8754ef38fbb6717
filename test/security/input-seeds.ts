import { randomUUID } from 'node:crypto';
import { Role } from '@harbor/auth';
import { sealReleasedContact } from '@harbor/contracts';
import { parseKeyRing } from '@harbor/crypto';
import { SERVICE_ENV } from '@harbor/service-runtime';
import { NotificationEnv } from '../../apps/notification/src/notification.env';
import { HarborHarness, ServiceName } from '../support/harbor-harness';

/**
 * A valid input per write route and per consumed event type, which the hostile-input tests mutate field by field
 * so that a bad value gets past everything else and meets the code that reads it. The tests discover routes and
 * topics from the running apps: a write route or consumed type without a seed here fails them.
 */
export interface RouteSeed {
  body?: unknown;
  /** Query parameters of the route (GET routes are fuzzed through these). */
  query?: Record<string, string>;
  contentType?: string;
  /** Values for the path parameters (otherwise fresh UUIDs). */
  params?: Record<string, string>;
}

export const SEED_SUPPORTER = 'sup-fuzz';
const NPI = 'http://hl7.org/fhir/sid/us-npi';
const now = () => new Date().toISOString();
const clinician = () => ({ identifier: { system: NPI, value: `fuzz-${randomUUID()}` }, role: 'prescriber' });

export const ROUTE_SEEDS: Record<ServiceName, Record<string, () => RouteSeed>> = {
  intake: {
    'POST /fhir/AdverseEvent': () => ({
      contentType: 'application/fhir+json',
      body: {
        resourceType: 'AdverseEvent', id: randomUUID(), actuality: 'actual', status: 'completed',
        occurrenceDateTime: '2026-11-26T05:00:00Z', recordedDate: '2026-11-26T05:20:00Z',
        participant: [{ actor: { identifier: { system: NPI, value: `fuzz-${randomUUID()}` } } }],
        location: { display: 'general' },
      },
    }),
    'POST /v1/incidents': () => ({
      body: {
        source: 'rl-datix', sourceEventId: randomUUID(), occurredAt: '2026-11-26T05:00:00Z', reportedAt: '2026-11-26T05:20:00Z',
        category: 'medication-error', harmLevel: 'severe', facility: 'general', department: 'emergency', involvedClinicians: [clinician()],
      },
    }),
    'POST /v1/lawsuits': () => ({
      body: { source: 'risk', noticeId: randomUUID(), receivedAt: '2026-11-26T05:00:00Z', kind: 'lawsuit', namedClinicians: [clinician()], facility: 'general' },
    }),
    'POST /v1/referrals': () => ({ body: { referredBy: 'self', clinician: { system: NPI, value: `fuzz-${randomUUID()}` }, facility: 'general' } }),
    'POST /v1/triage/:id/assign': () => ({ body: { system: NPI, value: `fuzz-${randomUUID()}`, profession: 'nursing' } }),
    'POST /v1/triage/:id/dismiss': () => ({}),
    'POST /v1/opt-outs': () => ({ body: { system: NPI, value: `fuzz-${randomUUID()}` } }),
    'DELETE /v1/opt-outs': () => ({ query: { system: NPI, value: `fuzz-${randomUUID()}` } }),
    'GET /v1/opt-outs/check': () => ({ query: { system: NPI, value: `fuzz-${randomUUID()}` } }),
    'GET /v1/triage': () => ({ query: { limit: '10' } }),
    'GET /v1/trigger-policy': () => ({}),
    // Empty: a valid change that changes nothing (every field keeps its current value).
    'PUT /v1/trigger-policy': () => ({ body: {} }),
    // Without the form's cookie every post is refused (403) before its fields are read; self-referral-page.test.ts
    // sends bad fields through a real browser session.
    'POST /refer': () => ({ contentType: 'application/x-www-form-urlencoded', body: 'referredBy=self&staffId=E-1&token=x' }),
  },
  matching: {
    'POST /v1/directory/clinicians': () => ({
      body: { identifiers: [{ system: NPI, value: `fuzz-${randomUUID()}` }], displayName: 'Dr Fuzz', profession: 'nurse', phone: '+15551234567', languages: ['en'] },
    }),
    'POST /v1/directory/clinicians/import': () => ({
      contentType: 'application/fhir+json',
      body: {
        resourceType: 'Bundle', type: 'collection',
        entry: [
          { resource: { resourceType: 'Practitioner', id: 'p1', identifier: [{ system: NPI, value: `fuzz-${randomUUID()}` }], name: [{ text: 'Dr Fuzz' }] } },
          { resource: { resourceType: 'PractitionerRole', practitioner: { reference: 'Practitioner/p1' }, code: [{ text: 'nurse' }] } },
        ],
      },
    }),
    'POST /v1/roster/supporters': () => ({
      body: { id: SEED_SUPPORTER, displayName: 'Supporter Fuzz', profession: 'nurse', trainingExpiresOn: '2099-12-31', maxOpenCases: 2, channels: [{ kind: 'console', address: '' }] },
    }),
    'PUT /v1/roster/supporters/:id/schedule': () => ({ params: { id: SEED_SUPPORTER }, body: { timeZone: 'UTC', windows: [{ day: 'mon', start: '08:00', end: '17:00' }] } }),
    'POST /v1/roster/supporters/:id/unavailability': () => ({ params: { id: SEED_SUPPORTER }, body: { from: '2026-12-01T00:00:00Z', until: '2026-12-02T00:00:00Z' } }),
    'DELETE /v1/roster/supporters/:id/unavailability/:unavailabilityId': () => ({ params: { id: SEED_SUPPORTER } }),
    'POST /v1/roster/supporters/:id/training': () => ({ params: { id: SEED_SUPPORTER }, body: { course: 'rise-core', completedOn: '2026-01-10', expiresOn: '2099-01-10' } }),
    'POST /v1/roster/supporters/:id/pause': () => ({ params: { id: SEED_SUPPORTER } }),
    'POST /v1/roster/supporters/:id/activate': () => ({ params: { id: SEED_SUPPORTER } }),
    'PUT /v1/program-staff/:id': () => ({ params: { id: 'staff-fuzz' }, body: { role: 'on-call-coordinator', displayName: 'Coordinator Fuzz', channels: [{ kind: 'console', address: '' }] } }),
    'PUT /v1/policy': () => ({ body: { program: 'default' } }),
    'POST /v1/cases/:id/outcome': () => ({ body: { contactMade: true } }),
    'DELETE /v1/cases/:id/follow-ups': () => ({}),
    'GET /v1/debriefs': () => ({ query: { status: 'offered', program: 'default', limit: '10' } }),
    'POST /v1/debriefs/:id/outcome': () => ({ body: { outcome: 'held', attendanceBand: '5-9' } }),
    'GET /v1/cases': () => ({ query: { from: '2026-01-01T00:00:00Z', to: '2027-01-01T00:00:00Z', limit: '10', status: 'requested' } }),
    'GET /v1/cases/:id/explain': () => ({ query: { supporterId: SEED_SUPPORTER } }),
    'GET /v1/program-staff': () => ({ query: { program: 'default' } }),
    'GET /v1/roster/training-lapses': () => ({ query: { within: '90', program: 'default' } }),
    'GET /v1/roster/supporters': () => ({ query: { program: 'default', status: 'active', limit: '20' } }),
    'GET /v1/cases/board': () => ({ query: { program: 'default' } }),
    'GET /v1/roster/recognition': () => ({ query: { year: '2026', program: 'default' } }),
    // Read back what the fuzzed writes stored for the seed supporter: an accepted value must also serialise.
    'GET /v1/roster/supporters/:id': () => ({ params: { id: SEED_SUPPORTER } }),
  },
  notification: {
    'POST /a/:token': () => ({ params: { token: 'not-a-link-token' }, body: { decision: 'accept' } }),
    'POST /webhooks/twilio/sms': () => ({ contentType: 'application/x-www-form-urlencoded', body: 'From=%2B15551234567&Body=YES+abc&MessageSid=SM1' }),
    'POST /webhooks/twilio/status': () => ({ contentType: 'application/x-www-form-urlencoded', body: 'MessageSid=SM1&MessageStatus=delivered' }),
    'GET /v1/staff-pages': () => ({ query: { status: 'failed', limit: '10' } }),
    'POST /e/:token': () => ({ params: { token: 'not-an-encounter-token' }, body: { action: 'contact-made', resource: ['legal'], timeOff: 'yes' } }),
    'PUT /v1/programs/:program/encounter-content': () => ({
      params: { program: 'fuzz' },
      body: { guide: ['What is bothering you most?'], resources: [{ kind: 'external-line', label: 'Support line', phone: '+1 888 409 0141', url: 'https://example.org/line' }] },
    }),
    'GET /v1/programs/:program/encounter-content': () => ({ params: { program: 'fuzz' } }),
  },
  reporting: {
    'POST /v1/recognition': () => ({ body: { supporterIds: [SEED_SUPPORTER], year: 2026 } }),
    'GET /v1/metrics/report': () => ({ query: { from: '2026-01', to: '2026-11', granularity: 'month' } }),
    'GET /v1/metrics/report.csv': () => ({ query: { from: '2026-01', to: '2026-11' } }),
    'GET /v1/metrics/summary': () => ({ query: { from: '2026-01', to: '2026-11' } }),
    'GET /v1/metrics/at-a-glance': () => ({ query: { year: '2026' } }),
    'GET /v1/metrics/at-a-glance.pdf': () => ({ query: { year: '2026' } }),
  },
};

/** The role a fuzzed request is sent with: the first the route admits (none for public routes). */
export function roleFor(access: { roles: Role[] } | { public: string }): Role | undefined {
  return 'roles' in access ? access.roles[0] : undefined;
}

const trigger = () => ({ kind: 'incident', category: 'medication-error', harmLevel: 'severe', occurredAt: '2026-11-26T05:00:00Z' });

/** A valid payload per consumed event type (`<type>.v<version>`). Inbound topics' records carry no CloudEvents headers. */
export const EVENT_SEEDS: Record<string, (harbor: HarborHarness) => Record<string, unknown>> = {
  'org.harbor.incident.reported.v1': () => ROUTE_SEEDS.intake['POST /v1/incidents']().body as Record<string, unknown>,
  'org.harbor.lawsuit.notified.v1': () => ROUTE_SEEDS.intake['POST /v1/lawsuits']().body as Record<string, unknown>,
  'org.harbor.support.requested.v1': () => ({
    requestId: randomUUID(), clinician: { system: NPI, value: `fuzz-${randomUUID()}` }, trigger: trigger(), facility: 'general', requestedAt: now(),
  }),
  'org.harbor.assignment.responded.v1': () => ({ assignmentId: randomUUID(), caseId: randomUUID(), supporterId: SEED_SUPPORTER, response: 'accepted', via: 'link', respondedAt: now() }),
  'org.harbor.assignment.undeliverable.v1': () => ({ assignmentId: randomUUID(), caseId: randomUUID(), supporterId: SEED_SUPPORTER, failures: ['sms:ProviderRejected'], failedAt: now() }),
  'org.harbor.assignment.paged.v1': () => ({ assignmentId: randomUUID(), caseId: randomUUID(), supporterId: SEED_SUPPORTER, channel: 'console', pagedAt: now() }),
  'org.harbor.assignment.offered.v1': () => ({
    assignmentId: randomUUID(), caseId: randomUUID(), attempt: 1, supporterId: SEED_SUPPORTER, channels: [{ kind: 'console', address: '' }],
    respondBy: new Date(Date.now() + 3_600_000).toISOString(),
  }),
  'org.harbor.assignment.closed.v1': () => ({ assignmentId: randomUUID(), caseId: randomUUID(), supporterId: SEED_SUPPORTER, reason: 'expired', closedAt: now() }),
  'org.harbor.contact.released.v2': (harbor) => {
    const assignmentId = randomUUID();
    const keys = parseKeyRing(harbor.apps.notification.get<NotificationEnv>(SERVICE_ENV).CONTACT_ENCRYPTION_KEYS);
    return { assignmentId, caseId: randomUUID(), supporterId: SEED_SUPPORTER, sealedContact: sealReleasedContact(keys, assignmentId, { displayName: 'Dr Fuzz', phone: '+15551234567' }) };
  },
  'org.harbor.contact.released.v1': () => ({ assignmentId: randomUUID(), caseId: randomUUID(), supporterId: SEED_SUPPORTER, clinician: { displayName: 'Dr Fuzz', phone: '+15551234567' } }),
  'org.harbor.staff-page.requested.v1': () => ({
    pageId: randomUUID(), kind: 'coordinator-escalation', caseId: randomUUID(), recipientId: 'staff-fuzz', channels: [{ kind: 'console', address: '' }], requestedAt: now(),
  }),
  'org.harbor.encounter.recorded.v1': () => ({
    recordId: randomUUID(), assignmentId: randomUUID(), caseId: randomUUID(), contactMade: true, referrals: ['legal'], timeOffSuggested: true, recordedAt: now(),
  }),
  'org.harbor.case.lifecycle.v1': () => ({ caseId: randomUUID(), status: 'requested', at: now(), trigger: trigger(), facility: 'general', professionGroup: 'physician' }),
  'org.harbor.group-debrief.changed.v1': () => ({ debriefId: randomUUID(), status: 'held', facility: 'general', clinicians: 3, attendanceBand: '5-9', at: now() }),
};
