import { createHash } from 'node:crypto';
import { ConfigResourceTypes, KafkaMessage } from 'kafkajs';
import { HarborHarness } from '../support/harbor-harness';
import { kafkaClient, readTopic } from '../support/infrastructure';
import { freshId, nativeIncident, NPI, publish, waitForClinician } from './intake-helpers';

/**
 * A hospital system's record that Harbor cannot take goes to the dead-letter topic reduced to what Harbor's
 * contract reads: the reason, where it came from, a digest of the original, never the patient's name, record
 * number or the narrative it arrived with. The DLQ topics keep records for KAFKA_DEAD_LETTER_RETENTION_HOURS.
 */
describe('inbound dead letters keep only what an operator needs', () => {
  const TOKEN = `QZDLQ${process.pid}`;
  const canary = (field: string) => `${TOKEN}-${field}`;
  let harbor: HarborHarness;

  beforeAll(async () => {
    harbor = await HarborHarness.start({ services: ['intake'], serviceEnv: { intake: { KAFKA_DEAD_LETTER_RETENTION_HOURS: '6', KAFKA_RETRY_ATTEMPTS: '1' } } });
  });

  afterAll(async () => {
    await harbor?.stop();
  });

  const text = (message: KafkaMessage) => ({
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)])),
  });
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

  it('native incidents, FHIR AdverseEvents, claim notices and unreadable records: reason and contract fields, no patient data', async () => {
    const native = {
      ...nativeIncident([freshId('dlq')]),
      harmLevel: 'catastrophic',
      narrative: canary('narrative'),
      patient: { name: canary('patient-name'), mrn: canary('mrn') },
      involvedClinicians: [{ identifier: { system: NPI, value: 'NPI-1' }, role: 'prescriber', name: canary('clinician-name') }],
    };
    const fhir = {
      resourceType: 'AdverseEvent',
      id: freshId('ae'),
      text: { status: 'generated', div: `<div>${canary('fhir-narrative')}</div>` },
      contained: [{ resourceType: 'Patient', id: 'pat', name: [{ family: canary('family') }], identifier: [{ system: 'urn:mrn', value: canary('fhir-mrn') }] }],
      actuality: 'actual',
      subject: { reference: '#pat', display: canary('subject-display') },
      date: 'not-a-date',
      contributor: [{ identifier: { system: NPI, value: 'NPI-2' } }],
      note: [{ text: canary('note') }],
    };
    const notice = {
      source: 'risk-mgmt', noticeId: freshId('CLM'), receivedAt: '2026-11-25T09:00:00Z', kind: 'rumour', facility: 'general',
      namedClinicians: [{ identifier: { system: NPI, value: 'NPI-3' } }], plaintiff: canary('plaintiff'), allegations: canary('allegations'),
    };
    const unreadable = `{"patient": "${canary('unreadable')}"`;
    const headers = { 'x-patient-name': canary('header'), correlation_id: 'dlq-test-correlation' };
    await publish(harbor, 'incidents.reported.v1', [
      { key: 'native', value: JSON.stringify(native), headers },
      { key: 'fhir', value: JSON.stringify(fhir), headers },
      { key: 'unreadable', value: unreadable, headers },
    ]);
    await publish(harbor, 'lawsuits.notified.v1', [{ key: 'notice', value: JSON.stringify(notice), headers }]);

    // Generous waits: the consumer group forms and the records are dead-lettered first, on a shared machine.
    const incidents = (await readTopic(`${harbor.topic('incidents.reported.v1')}.dlq`, 3, 90_000)).map(text);
    const notices = (await readTopic(`${harbor.topic('lawsuits.notified.v1')}.dlq`, 1, 90_000)).map(text);
    for (const record of [...incidents, ...notices]) {
      expect(JSON.stringify(record)).not.toContain(TOKEN);
      expect(record.headers).toMatchObject({ correlation_id: 'dlq-test-correlation', dlq_consumer_group: `${harbor.topicPrefix}harbor-intake`, dlq_attempt_count: '1' });
      expect(record.headers).not.toHaveProperty('x-patient-name');
    }
    const byKey = Object.fromEntries([...incidents, ...notices].map((record) => [record.key, record]));

    expect(byKey.native.headers).toMatchObject({
      dlq_error_class: 'EventValidationError',
      dlq_error_message: expect.stringContaining('harmLevel'),
      dlq_value: 'reduced',
      dlq_original_sha256: sha256(JSON.stringify(native)),
      dlq_original_bytes: String(Buffer.byteLength(JSON.stringify(native))),
      dlq_source_topic: harbor.topic('incidents.reported.v1'),
    });
    const { narrative: _narrative, patient: _patient, ...contractFields } = native;
    expect(JSON.parse(byKey.native.value!)).toEqual({ ...contractFields, involvedClinicians: [{ identifier: { system: NPI, value: 'NPI-1' }, role: 'prescriber' }] });

    expect(byKey.fhir.headers).toMatchObject({ dlq_value: 'reduced', dlq_error_message: expect.stringContaining('date'), dlq_original_sha256: sha256(JSON.stringify(fhir)) });
    expect(JSON.parse(byKey.fhir.value!)).toEqual({
      resourceType: 'AdverseEvent', id: fhir.id, actuality: 'actual', date: 'not-a-date',
      contained: [{ resourceType: 'Patient', id: 'pat' }], contributor: [{ identifier: { system: NPI, value: 'NPI-2' } }],
    });

    expect(byKey.unreadable.headers).toMatchObject({ dlq_error_class: 'MalformedMessageError', dlq_value: 'none', dlq_original_sha256: sha256(unreadable) });
    expect(byKey.unreadable.value).toBeNull();

    expect(byKey.notice.headers).toMatchObject({ dlq_value: 'reduced', dlq_error_message: expect.stringContaining('kind') });
    expect(JSON.parse(byKey.notice.value!)).toEqual({
      source: 'risk-mgmt', noticeId: notice.noticeId, receivedAt: notice.receivedAt, kind: 'rumour', facility: 'general', namedClinicians: notice.namedClinicians,
    });

    // The operator fixes the reduced record (or has the source resend it) and puts it back: it is accepted.
    await publish(harbor, 'incidents.reported.v1', [{ key: 'native', value: JSON.stringify({ ...JSON.parse(byKey.native.value!), harmLevel: 'severe' }) }]);
    await waitForClinician(harbor, NPI, 'NPI-1');
  }, 180_000);

  it('the DLQ topics are created with their own short retention, and brought to it when they exist', async () => {
    const admin = kafkaClient().admin();
    await admin.connect();
    try {
      const topics = [`${harbor.topic('incidents.reported.v1')}.dlq`, `${harbor.topic('lawsuits.notified.v1')}.dlq`];
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'cleanup.policy', 'segment.ms'] })),
      });
      for (const resource of resources) {
        expect({ topic: resource.resourceName, config: Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])) }).toEqual({
          topic: resource.resourceName,
          config: { 'retention.ms': String(6 * 3_600_000), 'cleanup.policy': 'delete', 'segment.ms': '3600000' },
        });
      }
    } finally {
      await admin.disconnect();
    }
  });
});
