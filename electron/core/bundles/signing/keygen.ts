/**
 * `bundle keygen OUT`: a new RSA-4096 signing key pair. The private key is written
 * PKCS#8 PEM with mode 0600; the public key SPKI PEM (what `bundle trust add` takes).
 * Existing files are never overwritten.
 */
import { generateKeyPair } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

import { AppError, errorMessage } from '../../../../shared/errors';
import { loadPublicKey } from './keyId';

const generateKeyPairAsync = promisify(generateKeyPair);

export const KEYGEN_BITS = 4096;

export interface GeneratedKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
  keyId: string;
  fingerprint: string;
  bits: number;
}

/** `OUT` or `OUT.pem` → private `OUT.pem`, public `OUT.pub.pem`. */
export function keyPairPaths(out: string): { privateKeyPath: string; publicKeyPath: string } {
  const stem = out.endsWith('.pem') ? out.slice(0, -'.pem'.length) : out;
  return { privateKeyPath: `${stem}.pem`, publicKeyPath: `${stem}.pub.pem` };
}

export async function generateSigningKeyPair(
  out: string,
  bits = KEYGEN_BITS,
): Promise<GeneratedKeyPair> {
  const { privateKeyPath, publicKeyPath } = keyPairPaths(out);
  const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: bits,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const loaded = loadPublicKey(publicKey, 'the new key');
  await writeNew(privateKeyPath, privateKey, 0o600);
  try {
    await writeNew(publicKeyPath, loaded.pem, 0o644);
  } catch (error) {
    // Keep the pair together: no private key without its public key.
    await rm(privateKeyPath, { force: true });
    throw error;
  }
  return {
    privateKeyPath,
    publicKeyPath,
    keyId: loaded.keyId,
    fingerprint: loaded.fingerprint,
    bits: loaded.bits,
  };
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(path, text, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new AppError(
        'BUNDLE_FILE_EXISTS',
        `${path} already exists; keys are never overwritten. Choose another name.`,
      );
    }
    throw new AppError('BUNDLE_FILE_UNREADABLE', `Cannot write ${path}: ${errorMessage(error)}.`);
  }
}
