import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { checkAttestation } from '../../../../../electron/core/cts/attestationCheck';

/** Checks an attestation by a new key over `signedText` against the document served. */
async function check(signedText: string, documentText: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const jws = await new CompactSign(new TextEncoder().encode(signedText))
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .sign(privateKey);
  const jwksText = JSON.stringify({ keys: [jwk] });
  return (await checkAttestation({ jws, jwksText, documentText, pinnedThumbprint: null })).outcome;
}

describe('checkAttestation', () => {
  it('accepts a signature over the canonical form of the document served, pinning its key', async () => {
    const outcome = await check('{"a":1,"b":[true,"x"]}', '{ "b": [true, "x"], "a": 1.0 }');
    expect(outcome.status).toBe('pinned_now');
  });

  it('rates a document JSON cannot canonicalize (a lone surrogate) a mismatch, without throwing', async () => {
    const outcome = await check('{"a":"\\ud800"}', '{"a":"\\ud800"}');
    expect(outcome).toMatchObject({ status: 'mismatch', message: /another document/ });
  });
});
