import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { KafkaFaultProxy } from './kafka-fault-proxy';
import { createTestPki, TestPki } from './test-pki';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the same launcher `npm start` uses (plain JS)
const localKafka = require('../../scripts/stack/local-kafka');

export interface ScramUser {
  name: string;
  password: string;
  mechanism: 'SCRAM-SHA-512' | 'SCRAM-SHA-256';
}

export interface SecuredKafkaOptions {
  /** SCRAM users created when the storage is formatted (the super user `admin` is always added). */
  users?: ScramUser[];
  /** Users of the PLAIN mechanism (username → password), set in the listener's JAAS configuration. */
  plainUsers?: Record<string, string>;
  /**
   * Also a SASL_PLAINTEXT listener (SCRAM) that clients reach through a KafkaFaultProxy, advertised at the
   * proxy's port so every connection of theirs goes through it (`proxy`, `proxiedEnv`).
   */
  faultProxy?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A broker of the test's own, configured as a Strimzi cluster would be for Harbor: a SASL_SSL listener (SCRAM
 * and PLAIN over TLS), an SSL listener that requires client certificates (mutual TLS, the principal is the
 * certificate's CN), the StandardAuthorizer with `admin` as super user, and no access without an ACL. Its
 * certificates are made at start; nothing here touches the shared broker.
 */
export class SecuredKafka {
  static readonly ADMIN = { name: 'admin', password: 'admin-secret-for-tests', mechanism: 'SCRAM-SHA-512' } as const;
  pidFile?: string;
  /** The proxy in front of the SASL_PLAINTEXT listener, with `faultProxy`. */
  proxy?: KafkaFaultProxy;
  private proxiedBrokers?: string;

  private constructor(
    readonly dir: string,
    readonly pki: TestPki,
    /** host:port of the SASL_SSL listener. */
    readonly saslBrokers: string,
    /** host:port of the mutual-TLS listener. */
    readonly mtlsBrokers: string,
    private readonly launch: Record<string, unknown>,
  ) {}

  static async start(options: SecuredKafkaOptions = {}): Promise<SecuredKafka> {
    const dir = mkdtempSync(join(tmpdir(), 'harbor-secured-kafka-'));
    const pki = createTestPki(join(dir, 'pki'));
    const [saslPort, mtlsPort, controllerPort] = [await freePort(), await freePort(), await freePort()];
    const admin = SecuredKafka.ADMIN;
    const scramJaas = (withCredentials: boolean) =>
      `org.apache.kafka.common.security.scram.ScramLoginModule required${withCredentials ? ` username="${admin.name}" password="${admin.password}"` : ''};`;
    const plainUsers = Object.entries(options.plainUsers ?? {})
      .map(([name, password]) => ` user_${name}="${password}"`)
      .join('');
    const proxied = options.faultProxy ? { port: await freePort(), proxyPort: await freePort() } : undefined;
    const launch = {
      brokers: `127.0.0.1:${saslPort}`,
      dataDir: join(dir, 'data'),
      heapMb: 384,
      controllerPort,
      listeners: [
        { name: 'SASL_SSL', protocol: 'SASL_SSL', port: saslPort },
        { name: 'MTLS', protocol: 'SSL', port: mtlsPort },
        ...(proxied ? [{ name: 'SASL_PROXIED', protocol: 'SASL_PLAINTEXT', port: proxied.port, advertisedPort: proxied.proxyPort }] : []),
      ],
      properties: {
        'sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256,PLAIN',
        'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': scramJaas(true),
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config': scramJaas(false),
        'listener.name.sasl_proxied.sasl.enabled.mechanisms': 'SCRAM-SHA-512,SCRAM-SHA-256',
        'listener.name.sasl_proxied.scram-sha-512.sasl.jaas.config': scramJaas(false),
        'listener.name.sasl_proxied.scram-sha-256.sasl.jaas.config': scramJaas(false),
        'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required${plainUsers};`,
        'ssl.keystore.type': 'PKCS12',
        'ssl.keystore.location': pki.brokerKeystore,
        'ssl.keystore.password': pki.keystorePassword,
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': pki.caFile,
        'listener.name.mtls.ssl.client.auth': 'required',
        // The certificate's CN is the principal, as Strimzi's TLS users are named.
        'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+)$/$1/,DEFAULT',
        'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        // ANONYMOUS is the broker itself on the PLAINTEXT controller listener of this single node.
        'super.users': `User:${admin.name};User:ANONYMOUS`,
        'allow.everyone.if.no.acl.found': 'false',
      },
      scramCredentials: [admin, ...(options.users ?? [])].map((user) => `${user.mechanism}=[name=${user.name},password=${user.password}]`),
      client: { ssl: { ca: pki.caPem }, sasl: { mechanism: 'scram-sha-512', username: admin.name, password: admin.password } },
    };
    const kafka = new SecuredKafka(dir, pki, launch.brokers, `127.0.0.1:${mtlsPort}`, launch);
    if (proxied) {
      kafka.proxy = await KafkaFaultProxy.start(proxied.proxyPort, { host: '127.0.0.1', port: proxied.port });
      kafka.proxiedBrokers = `127.0.0.1:${proxied.proxyPort}`;
    }
    await kafka.startBroker();
    return kafka;
  }

  /** Starts (or restarts, on the same storage) the broker process. */
  async startBroker(): Promise<void> {
    const started = await localKafka.startLocalKafka(this.launch);
    this.pidFile = started.pidFile;
  }

  async stopBroker(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await localKafka.stopLocalKafka(this.pidFile, { signal });
  }

  /** A client on the SASL_SSL listener as `admin`, the super user. */
  adminClient(clientId = 'harbor-test-admin', extra: Partial<KafkaConfig> = {}): Kafka {
    return new Kafka({ clientId, brokers: [this.saslBrokers], logLevel: logLevel.NOTHING, ...(this.launch.client as object), ...extra });
  }

  /** Service settings for the SASL_SSL listener as `user`. */
  saslEnv(user: { name: string; password: string; mechanism: string }): Record<string, string> {
    return {
      KAFKA_BROKERS: this.saslBrokers,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA: this.pki.caPem,
      KAFKA_SASL_MECHANISM: user.mechanism.toLowerCase(),
      KAFKA_SASL_USERNAME: user.name,
      KAFKA_SASL_PASSWORD: user.password,
    };
  }

  /** Service settings for the proxied SASL_PLAINTEXT listener as `user` (SCRAM only). */
  proxiedEnv(user: { name: string; password: string; mechanism: string }): Record<string, string> {
    if (!this.proxiedBrokers) throw new Error('this broker was started without faultProxy');
    return { KAFKA_BROKERS: this.proxiedBrokers, KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: user.mechanism.toLowerCase(), KAFKA_SASL_USERNAME: user.name, KAFKA_SASL_PASSWORD: user.password };
  }

  async stop(): Promise<void> {
    await this.proxy?.stop();
    await this.stopBroker();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
