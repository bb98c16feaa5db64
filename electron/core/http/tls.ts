import { createPrivateKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import forge from 'node-forge';

import { AppError } from '../../../shared/errors';

/** `--tls auto|off|CERT,KEY` as parsed from the command line. */
export type TlsOption =
  { mode: 'auto' } | { mode: 'off' } | { mode: 'files'; certPath: string; keyPath: string };

/** What the HTTPS listener needs, plus the fingerprint users pin. */
export interface TlsMaterial {
  mode: 'auto' | 'files';
  cert: string;
  key: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex (as browsers and openssl print it). */
  fingerprint256: string;
}

export function parseTlsOption(text: string): TlsOption {
  if (text === 'auto' || text === 'off') return { mode: text };
  const parts = text.split(',');
  if (parts.length === 2 && parts[0] && parts[1])
    return { mode: 'files', certPath: parts[0], keyPath: parts[1] };
  throw new AppError(
    'CLI_USAGE',
    `--tls must be auto, off or CERT,KEY (two PEM files); got ${JSON.stringify(text)}.`,
  );
}

/**
 * Loads the TLS material for a listener. `auto` creates a self-signed certificate once
 * (kept in `<dataDir>/tls/`, key readable by the owner only) and reuses it, so that a
 * fingerprint pinned by clients stays valid across restarts.
 */
export function loadTlsMaterial(
  option: TlsOption,
  dataDir: string,
  hostNames: readonly string[],
): TlsMaterial | null {
  if (option.mode === 'off') return null;
  if (option.mode === 'files') {
    const cert = readPem(option.certPath, 'certificate');
    const key = readPem(option.keyPath, 'private key');
    return { mode: 'files', cert, key, fingerprint256: checkPair(cert, key, option.certPath) };
  }
  const folder = join(dataDir, 'tls');
  const certPath = join(folder, 'server-cert.pem');
  const keyPath = join(folder, 'server-key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const created = createSelfSignedCertificate(hostNames);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    writeFileSync(keyPath, created.key, { mode: 0o600 });
    chmodSync(keyPath, 0o600);
    writeFileSync(certPath, created.cert, { mode: 0o600 });
  }
  const cert = readPem(certPath, 'certificate');
  const key = readPem(keyPath, 'private key');
  try {
    return { mode: 'auto', cert, key, fingerprint256: checkPair(cert, key, certPath) };
  } catch (error) {
    // Not replaced silently: clients may have pinned the old fingerprint.
    throw new AppError(
      'SERVER_TLS_INVALID',
      `${(error as Error).message} Remove the folder ${folder} to make a new self-signed certificate (clients that pinned the old fingerprint must pin the new one).`,
      { cause: error },
    );
  }
}

/**
 * A self-signed server certificate for the given names (DNS names and IP addresses).
 * Node generates the key (fast, native); node-forge builds and signs the X.509 structure,
 * which Node's crypto cannot do.
 */
export function createSelfSignedCertificate(
  hostNames: readonly string[],
  now: Date = new Date(),
  serialRandom: Buffer = randomBytes(16),
): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicPem);
  // A DER INTEGER: positive (top bit clear) and without a leading zero byte, which
  // OpenSSL refuses as "illegal padding". The first byte is kept in 0x40-0x7f (a zero
  // first byte made 1 certificate in 256 unreadable).
  const serial = Buffer.from(serialRandom.subarray(0, 16));
  serial[0] = 0x40 | (serial[0]! & 0x3f);
  certificate.serialNumber = serial.toString('hex');
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime() + 825 * 24 * 3600 * 1000);
  const subject = [
    { name: 'commonName', value: 'Trust Auditor embedded CTP server' },
    { name: 'organizationName', value: 'Trust Auditor' },
  ];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...hostNames])];
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: names.map((name) =>
        isIpAddress(name) ? { type: 7, ip: name } : { type: 2, value: name },
      ),
    },
  ]);
  certificate.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(certificate), key: keyPem };
}

function readPem(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new AppError(
      'SERVER_TLS_INVALID',
      `Cannot read the TLS ${what} ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function checkPair(cert: string, key: string, certPath: string): string {
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) {
      throw new AppError(
        'SERVER_TLS_INVALID',
        `The private key does not belong to the certificate ${certPath}.`,
      );
    }
    return x509.fingerprint256;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'SERVER_TLS_INVALID',
      `${certPath} and its key are not a PEM certificate and private key: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function isIpAddress(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(':');
}
