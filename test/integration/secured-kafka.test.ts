import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { Admin, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Producer, ResourcePatternTypes } from 'kafkajs';
import { Role } from '@harbor/auth';
import { ServiceHealth } from '@harbor/service-runtime';
import { nativeIncident } from '../intake/intake-helpers';
import { HarborHarness } from '../support/harbor-harness';
import { waitFor } from '../support/infrastructure';
import { freePort, SecuredKafka } from '../support/secured-kafka';
import { buildServices, ServiceProcess } from '../support/service-process';

const USERS = {
  intake: { name: 'harbor-intake', password: 'intake-scram-512-secret', mechanism: 'SCRAM-SHA-512' },
  intake256: { name: 'harbor-intake-256', password: 'intake-scram-256-secret', mechanism: 'SCRAM-SHA-256' },
  /** Every topic ACL intake needs, but no Read on its consumer group. */
  withoutGroup: { name: 'harbor-intake-nogroup', password: 'intake-nogroup-secret', mechanism: 'SCRAM-SHA-512' },
} as const;
const PLAIN_USER = { name: 'plainintake', password: 'intake-plain-secret', mechanism: 'PLAIN' };
const MTLS_PRINCIPAL = 'harbor-client';

/**
 * Intake against a broker secured as a Strimzi cluster would be (SASL_SSL with SCRAM, mutual TLS, ACLs, topics
 * made by an administrator): it connects with its credentials under least-privilege ACLs, it refuses to start
 * with a message naming the setting when credentials or TLS are wrong, an ACL denial stops the process instead
 * of leaving a consumer that consumes nothing, and it recovers within seconds when the broker comes back.
 */
describe('a service on a secured Kafka', () => {
  let kafka: SecuredKafka;
  let harbor: HarborHarness;
  let admin: Admin;
  let producer: Producer;
  const apps: INestApplication[] = [];
  const processes: ServiceProcess[] = [];

  const topic = (name: string) => harbor.topic(name);
  const env = (extra: Record<string, string>) => ({ KAFKA_CREATE_TOPICS: 'false', ...extra });

  /** What intake needs, and nothing more: read its two input topics, write its output and dead-letter topics, use its group. */
  function intakeAcls(principal: string, { group = true } = {}) {
    const entry = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes) => ({
      resourceType, resourceName, resourcePatternType: ResourcePatternTypes.LITERAL, principal: `User:${principal}`, host: '*', operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    return [
      entry(AclResourceTypes.TOPIC, topic('incidents.reported.v1'), AclOperationTypes.READ),
      entry(AclResourceTypes.TOPIC, topic('lawsuits.notified.v1'), AclOperationTypes.READ),
      entry(AclResourceTypes.TOPIC, topic('support.requested.v1'), AclOperationTypes.WRITE),
      entry(AclResourceTypes.TOPIC, topic('incidents.reported.v1.dlq'), AclOperationTypes.WRITE),
      entry(AclResourceTypes.TOPIC, topic('lawsuits.notified.v1.dlq'), AclOperationTypes.WRITE),
      ...(group ? [entry(AclResourceTypes.GROUP, `${harbor.topicPrefix}harbor-intake`, AclOperationTypes.READ)] : []),
    ];
  }

  async function startIntake(settings: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
    const app = await harbor.startReplica('intake', { env: settings });
    apps.push(app);
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
  }

  async function readiness(url: string): Promise<{ status: number; checks: Record<string, string> }> {
    const response = await fetch(`${url}/health/ready`);
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, string> }).checks };
  }

  const waitReady = (url: string, timeoutMs = 30_000) => waitFor(async () => (await readiness(url)).status === 200, 'intake to be ready', timeoutMs);

  async function publishIncident(clinician: string): Promise<void> {
    const incident = nativeIncident([clinician]);
    await producer.send({ topic: topic('incidents.reported.v1'), messages: [{ key: `${incident.source}|${incident.sourceEventId}`, value: JSON.stringify(incident) }] });
  }

  /** The support request intake made for the clinician reached the secured broker (its outbox row was sent). */
  const supportRequestSent = (clinician: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const { rows } = await harbor.db.query(`SELECT "sent_at" FROM "intake"."outbox" WHERE "topic" = $1 AND "payload"->'clinician'->>'value' = $2`, [
          topic('support.requested.v1'),
          clinician,
        ]);
        return rows[0]?.sent_at;
      },
      `the support request for ${clinician} to be published`,
      timeoutMs,
    ).catch((error) => {
      // What the consumers went through says why, when this is slow on a busy machine.
      throw new Error(`${(error as Error).message}\n${harbor.logs.containing('consumer').slice(-10).join('\n')}`);
    });

  beforeAll(async () => {
    [kafka] = await Promise.all([
      SecuredKafka.start({ users: Object.values(USERS), plainUsers: { [PLAIN_USER.name]: PLAIN_USER.password }, faultProxy: true }),
      buildServices(),
    ]);
    harbor = await HarborHarness.start({ services: [] });
    admin = kafka.adminClient().admin();
    await admin.connect();
    producer = kafka.adminClient().producer();
    await producer.connect();
    // The administrator's identity may create topics, as Strimzi's topic operator would; services then may not.
    const creator = await harbor.startReplica('intake', { env: { ...kafka.saslEnv(SecuredKafka.ADMIN), KAFKA_CREATE_TOPICS: 'true' } });
    await creator.close();
    await admin.createAcls({
      acl: [
        ...intakeAcls(USERS.intake.name),
        ...intakeAcls(USERS.intake256.name),
        ...intakeAcls(PLAIN_USER.name),
        ...intakeAcls(MTLS_PRINCIPAL),
        ...intakeAcls(USERS.withoutGroup.name, { group: false }),
      ],
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((process) => process.stop()));
    for (const app of apps) await app.close().catch(() => undefined);
    await producer?.disconnect();
    await admin?.disconnect();
    await harbor?.stop();
    await kafka?.stop();
  });

  it('connects with SCRAM-SHA-512 over TLS and consumes and produces under least-privilege ACLs', async () => {
    const { app, url } = await startIntake(env(kafka.saslEnv(USERS.intake)));
    await waitReady(url);
    const clinician = `sasl-${Date.now()}`;
    await publishIncident(clinician);
    await supportRequestSent(clinician);
    await app.close();
  });

  it.each([
    ['SCRAM-SHA-256', () => kafka.saslEnv(USERS.intake256)],
    ['PLAIN over TLS', () => kafka.saslEnv(PLAIN_USER)],
    [
      'mutual TLS, certificates from files',
      () => ({
        KAFKA_BROKERS: kafka.mtlsBrokers,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: kafka.pki.caFile,
        KAFKA_SSL_CERT_FILE: join(kafka.pki.dir, 'client.crt'),
        KAFKA_SSL_KEY_FILE: join(kafka.pki.dir, 'client.key'),
      }),
    ],
  ])('connects with %s', async (_mechanism, settings) => {
    const { app, url } = await startIntake(env(settings()));
    await waitReady(url);
    await app.close();
  });

  it.each([
    ['a wrong password', () => ({ ...kafka.saslEnv(USERS.intake), KAFKA_SASL_PASSWORD: 'not-the-password' }), /Kafka refused the SASL credentials of user "harbor-intake" \(scram-sha-512\): check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM/],
    ['no TLS', () => ({ ...kafka.saslEnv(USERS.intake), KAFKA_SSL: 'false', KAFKA_SSL_CA: '' }), /closed the connection before answering: its listener may expect TLS \(set KAFKA_SSL=true/],
    ['no credentials', () => ({ KAFKA_BROKERS: kafka.saslBrokers, KAFKA_SSL: 'true', KAFKA_SSL_CA: kafka.pki.caPem }), /may expect SASL authentication \(set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\)/],
    ['a CA that did not sign the brokers', () => ({ ...kafka.saslEnv(USERS.intake), KAFKA_SSL_CA: kafka.pki.strangerCaPem }), /TLS with Kafka failed: check KAFKA_SSL_CA/],
    ['no client certificate on the mutual-TLS listener', () => ({ KAFKA_BROKERS: kafka.mtlsBrokers, KAFKA_SSL: 'true', KAFKA_SSL_CA: kafka.pki.caPem }), /refused this client's certificate: check KAFKA_SSL_CERT and KAFKA_SSL_KEY/],
  ])('refuses to start with %s, saying which setting to check', async (_case, settings, expected) => {
    await expect(harbor.startReplica('intake', { env: env(settings()) })).rejects.toThrow(expected);
  });

  it('exits non-zero at start-up with the reason when its process cannot authenticate', async () => {
    const process = ServiceProcess.start('intake', await freePort(), {
      DATABASE_URL: harbor.databaseUrl, KAFKA_TOPIC_PREFIX: harbor.topicPrefix, ...env(kafka.saslEnv(USERS.intake)), KAFKA_SASL_PASSWORD: 'not-the-password',
    });
    processes.push(process);
    expect(await process.exited).toEqual({ code: 1, signal: null });
    expect(process.containing('intake failed to start: Kafka refused the SASL credentials of user "harbor-intake"')).toHaveLength(1);
    expect(process.output.join('\n')).not.toContain('not-the-password');
  });

  it('reports an ACL denial of its consumer group: unready, the reason logged, the process gone', async () => {
    const { url } = await startIntake(env(kafka.saslEnv(USERS.withoutGroup)));
    const failed = await waitFor(async () => {
      const answer = await readiness(url);
      return answer.checks.lifecycle === 'failed' ? answer : undefined;
    }, 'intake to report the crashed consumer');
    expect(failed).toEqual({ status: 503, checks: expect.objectContaining({ lifecycle: 'failed', kafkaConsumer: 'crashed' }) });
    const crash = harbor.logs.containing('consumer crashed and will not restart');
    expect(crash.length).toBeGreaterThan(0);
    expect(crash[0]).toMatch(/GROUP_AUTHORIZATION_FAILED.*grant user \\"harbor-intake-nogroup\\" Read on its consumer group/);

    // As its own process (runService), the same denial ends the process, so Kubernetes restarts it and alerts.
    const process = ServiceProcess.start('intake', await freePort(), {
      DATABASE_URL: harbor.databaseUrl, KAFKA_TOPIC_PREFIX: harbor.topicPrefix, ...env(kafka.saslEnv(USERS.withoutGroup)),
    });
    processes.push(process);
    expect(await process.exited).toEqual({ code: 1, signal: null });
    const fatal = process.containing('"level":"fatal"');
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toContain('GROUP_AUTHORIZATION_FAILED');
  }, 90_000);

  it('stops for good when a topic ACL is revoked while it runs, instead of idling', async () => {
    const { app, url } = await startIntake(env(kafka.saslEnv(USERS.intake)));
    await waitReady(url);
    const read = intakeAcls(USERS.intake.name).filter((acl) => acl.resourceName === topic('incidents.reported.v1'));
    await admin.deleteAcls({ filters: read });
    try {
      await publishIncident(`revoked-${Date.now()}`);
      await waitFor(async () => (await readiness(url)).checks.lifecycle === 'failed', 'intake to report the revoked ACL');
      expect(app.get(ServiceHealth).failure).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
    } finally {
      await admin.createAcls({ acl: read });
    }
  });

  it('resumes within seconds after the broker was killed and came back', async () => {
    const givenUpBefore = harbor.logs.containing('consumer crashed and will not restart').length;
    const { url } = await startIntake(env(kafka.saslEnv(USERS.intake)));
    await waitReady(url);
    await kafka.stopBroker('SIGKILL');
    // HTTP intake goes on without Kafka: the support request waits in the outbox, its relay retrying meanwhile.
    const duringOutage = `during-outage-${Date.now()}`;
    const accepted = await fetch(`${url}/v1/incidents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await harbor.token(Role.SourceSystem)}`, 'content-type': 'application/json' },
      body: JSON.stringify(nativeIncident([duringOutage])),
    });
    expect(accepted.status).toBeLessThan(300);
    // Down for a while (the restart takes longer still): every client has been failing and retrying.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await kafka.startBroker();

    await supportRequestSent(duringOutage, 15_000);
    // The consumer rides out the outage on its retries (KAFKA_CONSUMER_RETRY, about a minute) and keeps its group
    // membership; when kafkajs does restart it (one broker gone leaves it none to fetch from), it does so within
    // 2 s, and the group takes it back once the coordinator expired the old member: one 6 s session.
    const afterRestart = `after-restart-${Date.now()}`;
    await producer.connect();
    await publishIncident(afterRestart);
    await supportRequestSent(afterRestart, 15_000);
    await waitReady(url, 15_000);
    const restarts = harbor.logs.containing('consumer crashed; kafkajs restarts it').map((line) => JSON.parse(line).restartInMs as number | undefined);
    expect(restarts.every((delay) => (delay ?? 0) <= 2_000)).toBe(true);
    // Earlier tests here denied ACLs on purpose; this one gives up on nothing.
    expect(harbor.logs.containing('consumer crashed and will not restart')).toHaveLength(givenUpBefore);
  }, 120_000);

  it('rides out connections reset during the SASL handshake, as a restarting broker resets them, running and at start-up', async () => {
    // Only replicas behind the proxy in the group: another member could otherwise consume what this test publishes.
    for (const app of apps.splice(0)) await app.close().catch(() => undefined);
    const proxy = kafka.proxy!;
    const givenUpBefore = harbor.logs.containing('will not restart').length;
    const restartsBefore = harbor.logs.containing('"looksLike":"outage"').length;
    const blamedBefore = harbor.logs.containing('refused the SASL credentials').length;
    const { url } = await startIntake(env(kafka.proxiedEnv(USERS.intake)));
    await waitReady(url);

    // kafkajs reports these resets as SASL authentication failures, which it never retries.
    proxy.cutHandshakes();
    await waitFor(async () => harbor.logs.containing('"looksLike":"outage"').length > restartsBefore, 'the consumer to be restarted after a reset handshake').catch((e) => {
      throw new Error(`${e.message} cut=${proxy.handshakesCut}\n${harbor.logs.containing('"level":"warn"').concat(harbor.logs.containing('"level":"error"')).slice(-15).join('\n')}`);
    });
    expect(proxy.handshakesCut).toBeGreaterThan(0);
    proxy.heal();
    const afterResets = `after-handshake-resets-${Date.now()}`;
    await publishIncident(afterResets);
    await supportRequestSent(afterResets, 30_000);
    await waitReady(url, 30_000);

    // A replica starting while handshakes are reset waits for the broker instead of blaming its credentials.
    const cutBefore = proxy.handshakesCut;
    proxy.cutHandshakes();
    const starting = startIntake(env(kafka.proxiedEnv(USERS.intake)));
    await waitFor(async () => proxy.handshakesCut > cutBefore + 1, 'the starting replica to meet reset handshakes');
    proxy.heal();
    const second = await starting;
    await waitReady(second.url, 30_000);
    expect(harbor.logs.containing('will not restart')).toHaveLength(givenUpBefore);
    expect(harbor.logs.containing('refused the SASL credentials')).toHaveLength(blamedBefore);
  }, 150_000);
});
