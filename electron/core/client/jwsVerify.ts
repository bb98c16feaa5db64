/**
 * Verification of measurement-result signatures (CTP 4.2.6.2, SPEC-NOTES "JWS"): a compact
 * JWS over P, the result's JSON text as received minus `signature`, whitespace outside
 * strings removed (never a re-serialization). RS256, PS256 and ES256; an empty payload part
 * means detached (P is used), otherwise the payload must equal P. The key is the one the
 * auditor trusts for the result's `authorityId` (PEM or JWK), or the leaf of an `x5c`
 * chain that ends at a CA the auditor trusts.
 */
import { createPublicKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';

import type { SignatureStatus } from '../../../shared/client';

export const JWS_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;

/** The keys and CAs the auditor trusts for result signatures. */
export interface AuthorityKeys {
  keyFor(authorityId: string): KeyObject | null;
  trustedCas(): readonly X509Certificate[];
}

export interface SignatureCheck {
  status: SignatureStatus;
  message: string | null;
}

/** Builds {@link AuthorityKeys} from PEM text or JWK objects per authority id, and CA PEMs. */
export function createAuthorityKeys(input: {
  keys?: Record<string, string | Record<string, unknown>>;
  cas?: readonly string[];
}): AuthorityKeys {
  const keys = new Map<string, KeyObject>();
  for (const [id, key] of Object.entries(input.keys ?? {})) {
    keys.set(
      id,
      typeof key === 'string'
        ? publicKeyFromPem(key)
        : createPublicKey({ key: key as JsonWebKey, format: 'jwk' }),
    );
  }
  const cas = (input.cas ?? []).map((pem) => new X509Certificate(pem));
  return { keyFor: (id) => keys.get(id) ?? null, trustedCas: () => cas };
}

function publicKeyFromPem(pem: string): KeyObject {
  if (pem.includes('BEGIN CERTIFICATE')) return new X509Certificate(pem).publicKey;
  return createPublicKey(pem);
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function decodeHeader(part: string): Record<string, unknown> | null {
  try {
    const header = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null && !Array.isArray(header)
      ? (header as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** The leaf key of an `x5c` chain (RFC 7515 4.1.6) that ends at a trusted CA, or null. */
export function keyFromChain(
  x5c: unknown,
  trusted: readonly X509Certificate[],
  at: Date,
): KeyObject | null {
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > 10) return null;
  let chain: X509Certificate[];
  try {
    chain = x5c.map((item) => {
      if (typeof item !== 'string') throw new Error('x5c item');
      return new X509Certificate(Buffer.from(item, 'base64'));
    });
  } catch {
    return null;
  }
  const valid = (cert: X509Certificate): boolean =>
    Date.parse(cert.validFrom) <= at.getTime() && at.getTime() <= Date.parse(cert.validTo);
  for (let index = 0; index < chain.length; index++) {
    const cert = chain[index]!;
    if (!valid(cert)) return null;
    const anchor = trusted.find(
      (ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey) && valid(ca),
    );
    if (anchor !== undefined) return chain[0]!.publicKey;
    const issuer = chain[index + 1];
    if (issuer === undefined || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey))
      return null;
  }
  return null;
}

/**
 * The status of one result's signature: `unsigned` (no signature), `unknown_authority`
 * (no trusted key for it), `invalid` (malformed, wrong algorithm, payload mismatch or a
 * signature that does not verify) or `verified`.
 */
export async function verifyResultSignature(
  result: { payloadText: string; signature: string | null; authorityId: string | null },
  authorities: AuthorityKeys,
  clock: () => Date = () => new Date(),
): Promise<SignatureCheck> {
  if (result.signature === null || result.signature === '')
    return { status: 'unsigned', message: null };
  if (result.authorityId === null || result.authorityId === '') {
    return { status: 'invalid', message: 'a signature needs an authorityId (CTP 4.2.6.2)' };
  }
  const parts = result.signature.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) {
    return { status: 'invalid', message: 'the signature is not a compact JWS' };
  }
  const [protectedPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeHeader(protectedPart);
  if (header === null) return { status: 'invalid', message: 'the JWS header is not JSON' };
  if (!JWS_ALGORITHMS.includes(header.alg as (typeof JWS_ALGORITHMS)[number])) {
    return { status: 'invalid', message: `unsupported algorithm ${JSON.stringify(header.alg)}` };
  }
  const expected = base64url(result.payloadText);
  if (
    payloadPart !== '' &&
    Buffer.from(payloadPart, 'base64url').toString('utf8') !== result.payloadText
  ) {
    return { status: 'invalid', message: 'the JWS payload is not the result as received' };
  }
  const key =
    authorities.keyFor(result.authorityId) ??
    keyFromChain(header.x5c, authorities.trustedCas(), clock());
  if (key === null) {
    return {
      status: 'unknown_authority',
      message: `no trusted key for authority ${JSON.stringify(result.authorityId)}`,
    };
  }
  // jose loads with the first signature to check, not with every command (DESIGN "Command line").
  const { flattenedVerify } = await import('jose');
  try {
    await flattenedVerify(
      {
        protected: protectedPart,
        payload: payloadPart === '' ? expected : payloadPart,
        signature: signaturePart,
      },
      key,
      { algorithms: [...JWS_ALGORITHMS] },
    );
    return { status: 'verified', message: null };
  } catch (error) {
    return {
      status: 'invalid',
      message: `the signature does not verify: ${(error as Error).message}`,
    };
  }
}
