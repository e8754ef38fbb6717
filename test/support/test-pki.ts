import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Certificates made for one test run with openssl: a CA, a broker identity and a client identity it signed. */
export interface TestPki {
  dir: string;
  /** PEM of the CA that signed the broker and client certificates. */
  caPem: string;
  caFile: string;
  /** PKCS#12 keystore of the broker (key, certificate, CA), with its password. */
  brokerKeystore: string;
  keystorePassword: string;
  /** A client identity for mutual TLS, CN=`clientName`. */
  clientCertPem: string;
  clientKeyPem: string;
  clientName: string;
  /** A CA that signed nothing here: trusting it must fail the handshake. */
  strangerCaPem: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Signs `name`'s key with the CA, for the given subject alternative names and usages. */
function issue(dir: string, name: string, subject: string, extensions: string): void {
  openssl(dir, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
}

function selfSignedCa(dir: string, name: string, subject: string): void {
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2',
    '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

/** Creates the PKI in `dir` (EC keys: quick to make). The broker's certificate names 127.0.0.1 and localhost. */
export function createTestPki(dir: string, clientName = 'harbor-client'): TestPki {
  mkdirSync(dir, { recursive: true });
  selfSignedCa(dir, 'ca', '/CN=Harbor test CA');
  selfSignedCa(dir, 'stranger', '/CN=Some other CA');
  issue(dir, 'broker', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  issue(dir, 'client', `/CN=${clientName}`, 'extendedKeyUsage=clientAuth\n');
  const keystorePassword = 'harbor-test-keystore';
  openssl(dir, ['pkcs12', '-export', '-in', 'broker.crt', '-inkey', 'broker.key', '-certfile', 'ca.crt', '-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${keystorePassword}`]);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    dir,
    caPem: read('ca.crt'),
    caFile: join(dir, 'ca.crt'),
    brokerKeystore: join(dir, 'broker.p12'),
    keystorePassword,
    clientCertPem: read('client.crt'),
    clientKeyPem: read('client.key'),
    clientName,
    strangerCaPem: read('stranger.crt'),
  };
}
