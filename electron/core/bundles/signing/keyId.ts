/**
 * Public keys: loading, size check and the OpenWatch key id (SPEC-NOTES "Signature object").
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

import { AppError, errorMessage } from '../../../../shared/errors';

/** Keys below this many bits are refused (spec §1 "Minimum key size"). */
export const MIN_KEY_BITS = 2048;

/** A public key ready to verify with. */
export interface LoadedPublicKey {
  key: KeyObject;
  /** First 16 hex digits of SHA-256 over the SPKI PEM text. */
  keyId: string;
  /** Full SHA-256 (hex) over the SPKI PEM text, for fingerprint checks by people. */
  fingerprint: string;
  bits: number;
  /** The canonical SPKI PEM (LF line endings, 64-character lines, final newline). */
  pem: string;
}

/**
 * The OpenWatch key id: SHA-256 over the key's PEM text as pyca/cryptography writes it
 * (SubjectPublicKeyInfo, `-----BEGIN PUBLIC KEY-----`, 64-character base64 lines, LF,
 * final newline), first 16 lowercase hex digits. Node's SPKI PEM export is that exact
 * text, so a key given with CRLF endings or as a private key gets the same id.
 */
export function publicKeyId(key: KeyObject): string {
  return publicKeyFingerprint(key).slice(0, 16);
}

export function publicKeyFingerprint(key: KeyObject): string {
  return createHash('sha256').update(spkiPem(key), 'utf8').digest('hex');
}

function spkiPem(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Loads an RSA public key from PEM text (SPKI or PKCS#1; a private key gives its public
 * half) and checks it is at least {@link MIN_KEY_BITS} bits.
 */
export function loadPublicKey(pem: string | Buffer, source = 'the key'): LoadedPublicKey {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new AppError(
      'BUNDLE_KEY_INVALID',
      `${source} is not a PEM public key (${errorMessage(error)}).`,
    );
  }
  checkRsaKey(key, source);
  const fingerprint = publicKeyFingerprint(key);
  return {
    key,
    keyId: fingerprint.slice(0, 16),
    fingerprint,
    bits: key.asymmetricKeyDetails?.modulusLength ?? 0,
    pem: spkiPem(key),
  };
}

/** Refuses anything but RSA keys of at least MIN_KEY_BITS bits. */
export function checkRsaKey(key: KeyObject, source = 'the key'): void {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new AppError(
      'BUNDLE_KEY_INVALID',
      `${source} is a ${key.asymmetricKeyType ?? 'non-asymmetric'} key; bundles are signed with RSA keys (RSA-PSS signatures).`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_KEY_BITS) {
    throw new AppError(
      'BUNDLE_KEY_INVALID',
      `${source} has ${bits} bits; keys below ${MIN_KEY_BITS} bits are refused (4096 recommended, see \`bundle keygen\`).`,
    );
  }
}
