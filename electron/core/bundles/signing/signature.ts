/**
 * RSA-PSS bundle signatures (SPEC-NOTES "What a signature covers", "Signature object"):
 * parsing the signature object, the bytes each mode signs, signing and verifying.
 * Crypto calls sit here and nowhere else.
 */
import {
  constants,
  createPublicKey,
  createVerify,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject, Verify } from 'node:crypto';

import { SIGNATURE_ALGORITHMS } from '../../../../shared/bundles';
import type { BundleFinding, SignatureAlgorithm } from '../../../../shared/bundles';
import { canonicalJson } from '../../../../shared/canonicalJson';
import { parseZonedTimestamp } from '../verify/timestamps';

/** The `signature` object of a manifest or of a detached `.sig` file. */
export interface SignatureObject {
  algorithm: SignatureAlgorithm;
  /** Lowercase hex. */
  signature: string;
  signer: string;
  public_key_id: string;
  signed_at: string;
}

/** Allowed clock skew for `signed_at` (SPEC-NOTES "Trust"). */
export const SIGNED_AT_SKEW_MS = 5 * 60 * 1000;

const NODE_HASH: Record<SignatureAlgorithm, string> = {
  SHA256: 'sha256',
  SHA384: 'sha384',
  SHA512: 'sha512',
};

/**
 * Checks a signature object's shape. Returns the object, or the findings that say what
 * is wrong (`SIGNATURE_ALGORITHM` for an unsupported algorithm, else
 * `SIGNATURE_MALFORMED`). `where` is the finding path (`manifest.json#/signature`).
 */
export function parseSignatureObject(
  value: unknown,
  where: string,
): { ok: true; signature: SignatureObject } | { ok: false; findings: BundleFinding[] } {
  const findings: BundleFinding[] = [];
  const bad = (field: string, message: string): void => {
    findings.push({
      code: 'SIGNATURE_MALFORMED',
      severity: 'error',
      path: `${where}/${field}`,
      message,
    });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      findings: [
        {
          code: 'SIGNATURE_MALFORMED',
          severity: 'error',
          path: where,
          message:
            'The signature must be an object with algorithm, signature, signer, public_key_id and signed_at; re-sign with `bundle sign`.',
        },
      ],
    };
  }
  const record = value as Record<string, unknown>;
  const algorithm = record.algorithm;
  if (
    typeof algorithm !== 'string' ||
    !(SIGNATURE_ALGORITHMS as readonly string[]).includes(algorithm)
  ) {
    findings.push({
      code: 'SIGNATURE_ALGORITHM',
      severity: 'error',
      path: `${where}/algorithm`,
      message: `The signature algorithm ${JSON.stringify(algorithm ?? null)} is not supported; use SHA256, SHA384 or SHA512 (RSA-PSS).`,
    });
  }
  const hex = record.signature;
  if (
    typeof hex !== 'string' ||
    hex.length === 0 ||
    hex.length % 2 !== 0 ||
    !/^[0-9a-fA-F]+$/.test(hex)
  ) {
    bad(
      'signature',
      'The signature value must be a non-empty hexadecimal string with an even number of digits.',
    );
  }
  if (typeof record.signer !== 'string' || record.signer.trim() === '') {
    bad('signer', 'The signer must be a non-empty string naming who signed the bundle.');
  }
  const keyId = record.public_key_id;
  if (typeof keyId !== 'string' || !/^[0-9a-f]{16}$/.test(keyId)) {
    bad(
      'public_key_id',
      "public_key_id must be 16 lowercase hex digits: the start of SHA-256 over the signing key's PEM (`bundle trust list` shows it).",
    );
  }
  if (parseZonedTimestamp(record.signed_at) === null) {
    findings.push({
      code: 'SIGNATURE_SIGNED_AT',
      severity: 'error',
      path: `${where}/signed_at`,
      message: 'signed_at must be an ISO 8601 date-time with a time zone (2025-10-22T19:55:05Z).',
    });
  }
  if (findings.length > 0) return { ok: false, findings };
  return {
    ok: true,
    signature: {
      algorithm: algorithm as SignatureAlgorithm,
      signature: (hex as string).toLowerCase(),
      signer: record.signer as string,
      public_key_id: keyId as string,
      signed_at: record.signed_at as string,
    },
  };
}

/** A finding when `signed_at` lies in the future beyond the allowed skew, else null. */
export function checkSignedAt(
  signedAt: string,
  nowMs: number,
  where: string,
): BundleFinding | null {
  const at = parseZonedTimestamp(signedAt);
  if (at !== null && at <= nowMs + SIGNED_AT_SKEW_MS) return null;
  return {
    code: 'SIGNATURE_SIGNED_AT',
    severity: 'error',
    path: where,
    message:
      at === null
        ? 'signed_at is not an ISO 8601 date-time with a time zone.'
        : `signed_at (${signedAt}) lies in the future (more than 5 minutes ahead of this computer's clock); check the signer's clock or this one.`,
  };
}

/**
 * The bytes an embedded signature signs: the manifest without its `signature` member,
 * serialized with RFC 8785 (JSON Canonicalization Scheme), as UTF-8.
 */
export function embeddedSigningInput(manifest: Record<string, unknown>): Buffer {
  const unsigned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(manifest)) {
    if (key !== 'signature') unsigned[key] = value;
  }
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

const PSS_VERIFY = {
  padding: constants.RSA_PKCS1_PSS_PADDING,
  // Accept any salt length: signers use the maximum (Python's PSS.MAX_LENGTH), OpenSSL
  // defaults to the digest length.
  saltLength: constants.RSA_PSS_SALTLEN_AUTO,
};

/** Verifies an RSA-PSS (MGF1 with the same hash) signature over `data`. */
export function verifySignature(
  algorithm: SignatureAlgorithm,
  data: Buffer,
  key: KeyObject,
  signatureHex: string,
): boolean {
  try {
    return cryptoVerify(
      NODE_HASH[algorithm],
      data,
      { key, ...PSS_VERIFY },
      Buffer.from(signatureHex, 'hex'),
    );
  } catch {
    return false;
  }
}

/** A streaming verifier: feed the data with `update`, then call `verify`. */
export function createStreamingVerifier(algorithm: SignatureAlgorithm): {
  update(chunk: Buffer): void;
  verify(key: KeyObject, signatureHex: string): boolean;
} {
  const verifier: Verify = createVerify(NODE_HASH[algorithm]);
  return {
    update(chunk) {
      verifier.update(chunk);
    },
    verify(key, signatureHex) {
      try {
        return verifier.verify({ key, ...PSS_VERIFY }, Buffer.from(signatureHex, 'hex'));
      } catch {
        return false;
      }
    },
  };
}

/** Signs `data` with RSA-PSS, MGF1 with the same hash, maximum salt length; hex out. */
export function signData(
  algorithm: SignatureAlgorithm,
  data: Buffer,
  privateKey: KeyObject,
): string {
  return cryptoSign(NODE_HASH[algorithm], data, {
    key: privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
  }).toString('hex');
}

/** The public half of a private key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  return createPublicKey(privateKey);
}
