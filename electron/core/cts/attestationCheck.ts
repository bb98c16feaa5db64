import { calculateJwkThumbprint, compactVerify, importJWK, type JWK } from 'jose';

import { canonicalJson } from '../../../shared/canonicalJson';
import type { AttestationCheck } from '../../../shared/cts';

/** Algorithms accepted in a vendor's attestation (DESIGN "OpenCTS": ES256 or RS256; PS256 too). */
const ALGORITHMS = ['ES256', 'RS256', 'PS256'];
const MAX_KEYS = 20;

/** The key an attestation was checked with, to pin or to offer. */
export interface AttestationKey {
  thumbprint: string;
  kid: string;
  jwk: JWK;
}

export interface AttestationInput {
  /** `GET …/cts/attestation`, as received. */
  jws: string;
  /** `GET …/cts/keys`, as received. */
  jwksText: string;
  /** `GET …/cts`, as received: the attestation must sign its RFC 8785 form. */
  documentText: string;
  /** The key pinned for this vendor (RFC 7638 thumbprint), or null before the first. */
  pinnedThumbprint: string | null;
}

/**
 * Checks a vendor's attestation (docs/opencts.md "Attestation"): a compact JWS by a key of
 * its JWKS, over the RFC 8785 form of the document it serves, by the key pinned on first
 * sight. Nothing here throws on hostile input: every failure is an outcome.
 */
export async function checkAttestation(
  input: AttestationInput,
): Promise<{ outcome: AttestationCheck; key: AttestationKey | null }> {
  const invalid = (message: string, kid: string | null = null) => ({
    outcome: { status: 'invalid' as const, kid, message },
    key: null,
  });
  const parts = input.jws.trim().split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    return invalid('the attestation is not a compact JWS (three base64url parts)');
  }
  const header = parseJson(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  > | null;
  const alg = header?.alg;
  const kid = typeof header?.kid === 'string' ? header.kid.slice(0, 200) : null;
  if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) {
    return invalid(`the attestation's algorithm must be one of ${ALGORITHMS.join(', ')}`, kid);
  }
  if (kid === null) return invalid('the attestation names no key (kid)');
  const jwk = findKey(input.jwksText, kid);
  if (typeof jwk === 'string') return invalid(jwk, kid);
  let key: AttestationKey;
  let payload: Uint8Array;
  try {
    key = { thumbprint: await calculateJwkThumbprint(jwk, 'sha256'), kid, jwk };
    ({ payload } = await compactVerify(input.jws.trim(), await importJWK(jwk, alg), {
      algorithms: [alg],
    }));
  } catch (error) {
    return invalid(
      `the signature does not verify with key ${kid}: ${(error as Error).message}`,
      kid,
    );
  }
  const served = parseJson(input.documentText);
  const signed = Buffer.from(payload).toString('utf8');
  if (served === undefined || !isCanonicalTextOf(signed, served)) {
    return {
      outcome: {
        status: 'mismatch',
        kid,
        message: 'the attestation signs another document than the one served',
      },
      key,
    };
  }
  if (input.pinnedThumbprint === null) {
    return {
      outcome: {
        status: 'pinned_now',
        kid,
        message: 'first key seen: pinned (trust on first use)',
      },
      key,
    };
  }
  if (input.pinnedThumbprint !== key.thumbprint) {
    return {
      outcome: {
        status: 'key_changed',
        kid,
        message: `signed by a key other than the pinned one (thumbprint ${key.thumbprint}); accept it only if the vendor confirms the change`,
      },
      key,
    };
  }
  return { outcome: { status: 'verified', kid, message: null }, key };
}

/** The public key named `kid` in a JWKS, or why there is none. */
function findKey(jwksText: string, kid: string): JWK | string {
  const jwks = parseJson(jwksText) as { keys?: unknown } | undefined;
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys)) {
    return 'the keys endpoint is not a JWKS ({"keys": [...]})';
  }
  const keys = jwks.keys.slice(0, MAX_KEYS) as Array<Record<string, unknown>>;
  const found = keys.find(
    (entry) => typeof entry === 'object' && entry !== null && entry.kid === kid,
  );
  if (found === undefined) return `the JWKS has no key ${kid}`;
  if ('d' in found || 'p' in found || 'k' in found) return `key ${kid} is not a public key`;
  const { kty, crv, x, y, n, e } = found;
  const publicOnly = Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, value]) => typeof value === 'string'),
  );
  return publicOnly as JWK;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Whether `signed` is the canonical text of `served`; a value JSON cannot hold never is. */
function isCanonicalTextOf(signed: string, served: unknown): boolean {
  try {
    return canonicalJson(served) === signed;
  } catch {
    return false;
  }
}
