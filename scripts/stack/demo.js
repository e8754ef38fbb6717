// The demo: one clinician, two trained supporters and one incident naming the clinician, so a newcomer
// sees the page a supporter would get. All names and numbers are invented.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

/**
 * A new demo clinician each run: intake absorbs repeat triggers for one clinician within its cooldown
 * (INTAKE_COOLDOWN_HOURS), so reusing one identifier would page nobody on a second `npm start`.
 */
const demoClinician = (runId) => ({
  identifiers: [{ system: 'urn:harbor:demo:employee', value: `E-${runId}` }],
  displayName: 'Dr. Demo Clinician',
  profession: 'physician',
  department: 'emergency',
  facility: 'demo-general',
  phone: '+15550001001',
});

// The first is the one the demo's physician case is offered to; the printed `supporter` token names it as its subject
// (DEMO_SUPPORTER_ID in libs/auth/src/dev-issuer.ts), so that token can record the case's outcome.
const DEMO_SUPPORTERS = [
  { id: 'demo-supporter-1', displayName: 'Demo Supporter One', profession: 'physician', department: 'surgery', facility: 'demo-general', channels: [{ kind: 'console', address: '' }] },
  { id: 'demo-supporter-2', displayName: 'Demo Supporter Two', profession: 'nurse', department: 'icu', facility: 'demo-general', channels: [{ kind: 'console', address: '' }] },
];

function demoIncident(clinician, runId) {
  const now = new Date();
  return {
    source: 'demo-incident-system',
    sourceEventId: `demo-${runId}`,
    occurredAt: new Date(now.getTime() - 20 * 60_000).toISOString(),
    reportedAt: now.toISOString(),
    category: 'medication-error',
    harmLevel: 'severe',
    facility: 'demo-general',
    department: 'emergency',
    involvedClinicians: [{ identifier: clinician.identifiers[0], role: 'prescriber' }],
  };
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/**
 * Seeds the directory and roster through matching's API, then publishes the incident to Kafka. `kafka` holds
 * kafkajs `ssl` / `sasl` options when the broker is secured (the same KAFKA_SSL* / KAFKA_SASL_* the services use).
 */
async function runDemo({ matchingUrl, adminToken, brokers, topicPrefix = '', kafka = {} }) {
  const runId = Date.now();
  const clinician = demoClinician(runId);
  await post(`${matchingUrl}/v1/directory/clinicians`, adminToken, clinician);
  const trainingExpiresOn = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  for (const supporter of DEMO_SUPPORTERS) {
    await post(`${matchingUrl}/v1/roster/supporters`, adminToken, { ...supporter, trainingExpiresOn, maxOpenCases: 5 });
  }
  const producer = new Kafka({ ...kafka, clientId: 'harbor-demo', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const incident = demoIncident(clinician, runId);
  await producer.send({
    topic: `${topicPrefix}incidents.reported.v1`,
    messages: [{ key: `${incident.source}|${incident.sourceEventId}`, value: JSON.stringify(incident) }],
  });
  await producer.disconnect();
  return incident;
}

module.exports = { runDemo, DEMO_SUPPORTERS };
