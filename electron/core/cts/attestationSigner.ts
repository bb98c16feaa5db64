import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { calculateJwkThumbprint, CompactSign, exportJWK, type JWK } from 'jose';

import { AppError } from '../../../shared/errors';

/** The `typ` of our attestations (RFC 8725 §3.11: explicit typing). */
export const ATTESTATION_TYPE = 'opencts-attestation+jws';

/** Where the provider's attestation key is kept: PKCS #8 PEM, 0600, in the data folder. */
export function attestationKeyPath(dataDir: string): string {
  return join(dataDir, 'cts-attestation-key.pem');
}

/**
 * The v1.1 "attestation signing" step of OpenCTS §8, our design (DESIGN "OpenCTS"): a
 * compact JWS (ES256, P-256) whose payload is the RFC 8785 form of the telemetry, with the
 * key's RFC 7638 thumbprint as `kid`; `GET /cts/keys` publishes the public key as a JWKS.
 */
export interface AttestationSigner {
  /** `GET /cts/keys`. */
  jwks(): Promise<{ keys: JWK[] }>;
  /** A compact JWS over `canonical` (the same text signs to the same answer while kept). */
  sign(canonical: string): Promise<string>;
}

export function createAttestationSigner(dataDir: string): AttestationSigner {
  let loaded: Promise<{ key: KeyObject; jwk: JWK; kid: string }> | null = null;
  let last: { digest: string; jws: string } | null = null;
  const key = () => (loaded ??= loadKey(attestationKeyPath(dataDir)));
  return {
    async jwks() {
      return { keys: [(await key()).jwk] };
    },
    async sign(canonical) {
      const digest = createHash('sha256').update(canonical).digest('hex');
      if (last?.digest === digest) return last.jws;
      const { key: privateKey, kid } = await key();
      const jws = await new CompactSign(new TextEncoder().encode(canonical))
        .setProtectedHeader({ alg: 'ES256', kid, typ: ATTESTATION_TYPE })
        .sign(privateKey);
      last = { digest, jws };
      return jws;
    },
  };
}

/** Reads the key, making it on first use; a file others can read is narrowed to 0600. */
async function loadKey(path: string): Promise<{ key: KeyObject; jwk: JWK; kid: string }> {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw unreadable(path, error);
    pem = createKeyFile(path);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw unreadable(path, error);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw unreadable(path, new Error('not a P-256 (ES256) private key'));
  }
  const publicJwk = await exportJWK(createPublicKey(key));
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { key, jwk: { ...publicJwk, kid, alg: 'ES256', use: 'sig' }, kid };
}

/** Writes a new key with `wx`: when another process made one meanwhile, that one is used. */
function createKeyFile(path: string): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw unreadable(path, error);
  }
}

function unreadable(path: string, error: unknown): AppError {
  return new AppError(
    'CTS_ATTESTATION_KEY_INVALID',
    `The attestation key ${path} cannot be used (${(error as Error).message}); remove it and a new one is made (auditors will see a new key).`,
    { expected: false, cause: error },
  );
}
