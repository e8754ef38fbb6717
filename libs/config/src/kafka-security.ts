import { createPrivateKey, X509Certificate } from 'node:crypto';
import { registerDecorator, ValidationArguments } from 'class-validator';
import type { KafkaConnectionOptions, KafkaSaslMechanism } from '@harbor/messaging';

/** Every mechanism the messaging library's clients accept (a record, so a mechanism added there must be named here). */
const SASL_MECHANISMS: Record<KafkaSaslMechanism, true> = { 'scram-sha-512': true, 'scram-sha-256': true, plain: true };
/** For validating KAFKA_SASL_MECHANISM. */
export const KAFKA_SASL_MECHANISMS = Object.keys(SASL_MECHANISMS) as KafkaSaslMechanism[];

/** The Kafka security settings as they stand in the env class, for the rules that tie them together. */
export interface KafkaSecuritySettings {
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA?: string;
  KAFKA_SSL_CERT?: string;
  KAFKA_SSL_KEY?: string;
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

/** A rule over one setting that may look at the others; returns what is wrong, or nothing. */
type Rule = (value: unknown, settings: KafkaSecuritySettings) => string | undefined;

/**
 * Registers `rule` as a validator of the property. It runs even when the value is unset, because some
 * settings are required only in combination with others; the message names what to set or unset.
 */
function KafkaSecurityRule(rule: Rule) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'kafkaSecurity',
      target: target.constructor,
      propertyName,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => rule(value, args.object as KafkaSecuritySettings) === undefined,
        defaultMessage: (args?: ValidationArguments) => (args ? rule(args.value, args.object as KafkaSecuritySettings) : undefined) ?? 'is invalid',
      },
    });
}

const isSet = (value: unknown) => value !== undefined && value !== null;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle, or a problem. The text itself never appears in a message. */
function pemCertificates(value: unknown): X509Certificate[] | string {
  if (typeof value !== 'string') return 'must be PEM text';
  const blocks = value.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return 'must be PEM text with at least one "-----BEGIN CERTIFICATE-----" block (or give the file in the _FILE variant)';
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch (error) {
    return `holds a certificate that cannot be read (${(error as Error).message})`;
  }
}

function tlsOnly(name: string): string {
  return `is set but KAFKA_SSL is false: set KAFKA_SSL=true to connect with TLS, or unset ${name}`;
}

/** A PEM certificate setting, meaningful only with TLS; `pairedWith` (a key) must come with it. */
function certificateRule(name: string, pairedWith?: 'KAFKA_SSL_KEY') {
  return KafkaSecurityRule((value, settings) => {
    if (!isSet(value)) return pairedWith && isSet(settings[pairedWith]) ? `is required when ${pairedWith} is set (mutual TLS needs the certificate and its key)` : undefined;
    if (!settings.KAFKA_SSL) return tlsOnly(name);
    const certificates = pemCertificates(value);
    return typeof certificates === 'string' ? certificates : undefined;
  });
}

/** KAFKA_SSL_CA: the CA bundle that signed the brokers' certificates (Strimzi: the cluster CA's ca.crt). */
export const KafkaSslCaRule = () => certificateRule('KAFKA_SSL_CA');

/** KAFKA_SSL_CERT: the client certificate for mutual TLS (Strimzi: the KafkaUser's user.crt); needs KAFKA_SSL_KEY. */
export const KafkaSslCertRule = () => certificateRule('KAFKA_SSL_CERT', 'KAFKA_SSL_KEY');

/** KAFKA_SSL_KEY: the unencrypted private key of KAFKA_SSL_CERT (Strimzi: user.key); needs KAFKA_SSL_CERT. */
export const KafkaSslKeyRule = () =>
  KafkaSecurityRule((value, settings) => {
    if (!isSet(value)) return isSet(settings.KAFKA_SSL_CERT) ? 'is required when KAFKA_SSL_CERT is set (mutual TLS needs the certificate and its key)' : undefined;
    if (!settings.KAFKA_SSL) return tlsOnly('KAFKA_SSL_KEY');
    if (typeof value !== 'string' || !/-----BEGIN (RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(value)) {
      return 'must be a PEM private key ("-----BEGIN PRIVATE KEY-----"), or give the file in KAFKA_SSL_KEY_FILE';
    }
    if (value.includes('ENCRYPTED PRIVATE KEY')) return 'is encrypted; give the unencrypted PKCS#8 key (Strimzi: user.key)';
    let key;
    try {
      key = createPrivateKey(value);
    } catch (error) {
      return `cannot be read as a private key (${(error as Error).message})`;
    }
    const certificates = pemCertificates(settings.KAFKA_SSL_CERT);
    if (typeof certificates !== 'string' && !certificates[0].checkPrivateKey(key)) return 'does not belong to the first certificate in KAFKA_SSL_CERT';
    return undefined;
  });

/** KAFKA_SASL_MECHANISM: needs a username and a password; `plain` only over TLS (it sends the password as is). */
export const KafkaSaslMechanismRule = () =>
  KafkaSecurityRule((value, settings) => {
    if (!isSet(value)) return undefined;
    if (!KAFKA_SASL_MECHANISMS.includes(value as KafkaSaslMechanism)) return `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}`;
    if (value === 'plain' && !settings.KAFKA_SSL) return 'plain sends the password in clear text: set KAFKA_SSL=true, or use scram-sha-512';
    return undefined;
  });

/** KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: both or neither, and only with a mechanism. */
export const KafkaSaslCredentialRule = (name: 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD') =>
  KafkaSecurityRule((value, settings) => {
    if (!isSet(value)) return isSet(settings.KAFKA_SASL_MECHANISM) ? `is required when KAFKA_SASL_MECHANISM is set (or give ${name}_FILE)` : undefined;
    if (typeof value !== 'string' || value.length === 0) return 'must be text';
    if (!isSet(settings.KAFKA_SASL_MECHANISM)) return `is set but KAFKA_SASL_MECHANISM is not: set it to one of ${KAFKA_SASL_MECHANISMS.join(', ')}`;
    return undefined;
  });

/** The client options the settings describe, in the shape the messaging library takes (a type only: no runtime import). */
export function kafkaConnectionOptions(brokers: string[], settings: KafkaSecuritySettings): KafkaConnectionOptions {
  const options: KafkaConnectionOptions = { brokers };
  if (settings.KAFKA_SSL) {
    options.ssl = {};
    if (settings.KAFKA_SSL_CA) options.ssl.ca = settings.KAFKA_SSL_CA;
    if (settings.KAFKA_SSL_CERT && settings.KAFKA_SSL_KEY) Object.assign(options.ssl, { cert: settings.KAFKA_SSL_CERT, key: settings.KAFKA_SSL_KEY });
  }
  if (settings.KAFKA_SASL_MECHANISM && settings.KAFKA_SASL_USERNAME && settings.KAFKA_SASL_PASSWORD) {
    options.sasl = { mechanism: settings.KAFKA_SASL_MECHANISM, username: settings.KAFKA_SASL_USERNAME, password: settings.KAFKA_SASL_PASSWORD };
  }
  return options;
}
