/**
 * The signature checks of a verification (docs/bundles.md "What a signature covers",
 * "Trust"): a detached signature, whose hash the raw bytes stream through as they are
 * read, and the embedded one over the manifest; each key looked up in the trust store.
 * Crypto stays in signature.ts; this module decides what each outcome means.
 */
import type { KeyObject } from 'node:crypto';

import type { BundleFinding, SignatureCheck } from '../../../../shared/bundles';
import { errorMessage } from '../../../../shared/errors';
import { decodeDocument } from '../archive/documents';
import { MIN_KEY_BITS } from '../signing/keyId';
import {
  checkSignedAt,
  createStreamingVerifier,
  embeddedSigningInput,
  parseSignatureObject,
  verifySignature,
} from '../signing/signature';
import type { SignatureObject } from '../signing/signature';
import type { TrustStore } from '../signing/trustStore';

/** A detached signature file is a small JSON object. */
export const MAX_SIGNATURE_FILE_BYTES = 64 * 1024;

/** Where findings about a detached signature point. */
const DETACHED_PATH = 'BUNDLE.tar.gz.sig';

/** A parsed detached signature, with the hash the archive's raw bytes stream through. */
export interface DetachedSignature {
  object: SignatureObject;
  stream: ReturnType<typeof createStreamingVerifier>;
}

export interface SignatureOutcome {
  checks: SignatureCheck[];
  findings: BundleFinding[];
}

/**
 * Parses the bytes of a detached signature file before the archive is read (so that its
 * bytes can stream through the hash). A malformed file gives findings and a `malformed`
 * check instead.
 */
export function openDetachedSignature(
  bytes: Buffer | null | undefined,
): SignatureOutcome & { detached: DetachedSignature | null } {
  if (!bytes) return { detached: null, checks: [], findings: [] };
  const parsed = parseDetached(bytes);
  if (!parsed.ok) {
    return { detached: null, checks: [malformedCheck('detached')], findings: parsed.findings };
  }
  const stream = createStreamingVerifier(parsed.signature.algorithm);
  return { detached: { object: parsed.signature, stream }, checks: [], findings: [] };
}

export interface SignatureInput {
  trustStore: TrustStore;
  /** The time `signed_at` is compared with (ms since the epoch). */
  now: number;
  manifest: Record<string, unknown> | null;
  manifestPath: string;
  /** Every raw byte of the archive has gone through its stream. */
  detached: DetachedSignature | null;
}

/** Checks the embedded signature (if the manifest has one), then the detached one. */
export async function checkSignatures(input: SignatureInput): Promise<SignatureOutcome> {
  const outcome: SignatureOutcome = { checks: [], findings: [] };
  const { manifest, detached } = input;
  if (manifest !== null && manifest.signature !== undefined) {
    const where = `${input.manifestPath}#/signature`;
    const parsed = parseSignatureObject(manifest.signature, where);
    if (!parsed.ok) {
      outcome.findings.push(...parsed.findings);
      outcome.checks.push(malformedCheck('embedded'));
    } else {
      const { algorithm, signature } = parsed.signature;
      outcome.checks.push(
        await checkSignature(input, outcome.findings, 'embedded', parsed.signature, where, (key) =>
          verifySignature(algorithm, embeddedSigningInput(manifest), key, signature),
        ),
      );
    }
  }
  if (detached !== null) {
    const { object, stream } = detached;
    outcome.checks.push(
      await checkSignature(input, outcome.findings, 'detached', object, DETACHED_PATH, (key) =>
        stream.verify(key, object.signature),
      ),
    );
  }
  return outcome;
}

/** One signature: its `signed_at`, its length (key size), its key's trust, the crypto. */
async function checkSignature(
  input: SignatureInput,
  findings: BundleFinding[],
  mode: 'embedded' | 'detached',
  signature: SignatureObject,
  where: string,
  verifyWith: (key: KeyObject) => boolean,
): Promise<SignatureCheck> {
  const check: SignatureCheck = {
    mode,
    algorithm: signature.algorithm,
    signer: signature.signer,
    keyId: signature.public_key_id,
    signedAt: signature.signed_at,
    outcome: 'unknown-key',
    trusted: false,
  };
  const signedAt = checkSignedAt(signature.signed_at, input.now, `${where}/signed_at`);
  if (signedAt !== null) findings.push(signedAt);
  // An RSA-PSS signature is as long as the modulus.
  const bits = signature.signature.length * 4;
  if (bits < MIN_KEY_BITS) {
    findings.push(
      error(
        'SIGNATURE_KEY_WEAK',
        `${where}/signature`,
        `The signature is ${bits} bits long, so the key has fewer than ${MIN_KEY_BITS} bits; such keys are refused. Sign with a 4096-bit key (\`bundle keygen\`).`,
      ),
    );
    return { ...check, outcome: 'invalid' };
  }
  const trusted = await input.trustStore.find(signature.public_key_id);
  if (trusted === null) {
    findings.push({
      code: 'SIGNATURE_KEY_UNKNOWN',
      severity: 'warning',
      path: `${where}/public_key_id`,
      message: `The ${mode} signature names key ${signature.public_key_id} (signer ${JSON.stringify(signature.signer)}), which is not in the trust store ${input.trustStore.dir}; it cannot be checked. If you trust the signer, get their public key through a channel you trust, compare its key id, and run \`bundle trust add KEY.pem\`.`,
    });
    return check;
  }
  let verified: boolean;
  try {
    verified = verifyWith(trusted.key);
  } catch (cause) {
    // Only the embedded signature's input can fail: a manifest with no RFC 8785 form.
    const message = `The embedded signature cannot be checked: the manifest has no canonical JSON form (${errorMessage(cause)}).`;
    findings.push(error('SIGNATURE_INVALID', where, message));
    return { ...check, outcome: 'invalid', trusted: true };
  }
  if (verified) return { ...check, outcome: 'valid', trusted: true };
  findings.push(
    error(
      'SIGNATURE_INVALID',
      where,
      mode === 'embedded'
        ? `The embedded signature does not verify with trusted key ${trusted.keyId} (${trusted.file}): the manifest (or a rule hash in it) was changed after signing, or it was signed with another key.`
        : `The detached signature does not verify with trusted key ${trusted.keyId} (${trusted.file}): the bundle's bytes were changed after signing, or it was signed with another key.`,
    ),
  );
  return { ...check, outcome: 'invalid', trusted: true };
}

function parseDetached(bytes: Buffer): ReturnType<typeof parseSignatureObject> {
  if (bytes.length > MAX_SIGNATURE_FILE_BYTES) {
    const message = `The detached signature file is larger than ${MAX_SIGNATURE_FILE_BYTES} bytes; it should hold one small JSON object.`;
    return {
      ok: false,
      findings: [error('SIGNATURE_DETACHED_UNREADABLE', DETACHED_PATH, message)],
    };
  }
  const decoded = decodeDocument(bytes, 'json');
  if (!decoded.ok) {
    const message = `The detached signature file ${decoded.message}; it should hold the JSON signature object that \`bundle sign --detached\` writes.`;
    return {
      ok: false,
      findings: [error('SIGNATURE_DETACHED_UNREADABLE', DETACHED_PATH, message)],
    };
  }
  return parseSignatureObject(decoded.value, DETACHED_PATH);
}

function malformedCheck(mode: 'embedded' | 'detached'): SignatureCheck {
  return {
    mode,
    algorithm: null,
    signer: null,
    keyId: null,
    signedAt: null,
    outcome: 'malformed',
    trusted: false,
  };
}

function error(code: BundleFinding['code'], path: string, message: string): BundleFinding {
  return { code, severity: 'error', path, message };
}
