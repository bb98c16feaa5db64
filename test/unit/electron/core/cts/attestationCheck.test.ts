import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { checkAttestation } from '../../../../../electron/core/cts/attestationCheck';

async function signed(payload: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const jws = await new CompactSign(new TextEncoder().encode(payload))
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .sign(privateKey);
  return { jws, jwksText: JSON.stringify({ keys: [jwk] }) };
}

describe('checkAttestation', () => {
  it('accepts a signature over the canonical form of the document served, pinning its key', async () => {
    const { jws, jwksText } = await signed('{"a":1,"b":[true,"x"]}');
    const { outcome } = await checkAttestation({
      jws,
      jwksText,
      documentText: '{ "b": [true, "x"], "a": 1.0 }',
      pinnedThumbprint: null,
    });
    expect(outcome.status).toBe('pinned_now');
  });

  it('rates a document JSON cannot canonicalize (a lone surrogate) a mismatch, without throwing', async () => {
    const { jws, jwksText } = await signed('{"a":"\\ud800"}');
    const { outcome } = await checkAttestation({
      jws,
      jwksText,
      documentText: '{"a":"\\ud800"}',
      pinnedThumbprint: null,
    });
    expect(outcome).toMatchObject({ status: 'mismatch', message: /another document/ });
  });
});
