import { compactVerify, decodeProtectedHeader, importSPKI } from 'jose';

import { AppError } from '../../../shared/errors';

/** The JWS algorithms accepted on results (CTP 4.2.6.2: RS256 must; PS256, ES256 may). */
export const RESULT_SIGNATURE_ALGORITHMS = ['RS256', 'PS256', 'ES256'] as const;

/**
 * Verifies the compact JWS of a measurement result against the payload P (the result's
 * text without its `signature` member, SPEC-NOTES "JWS"). An empty payload part means a
 * detached payload (P is used); a present one must equal P.
 */
export async function verifyResultSignature(
  signature: string,
  payload: string,
  publicKeyPem: string,
): Promise<void> {
  const fail = (reason: string): never => {
    throw new AppError(
      'CTP_RESULT_SIGNATURE_INVALID',
      `The result's signature is not valid: ${reason}.`,
    );
  };
  const parts = signature.split('.');
  if (parts.length !== 3) fail('it is not a JWS compact serialization (three dot-separated parts)');
  const [header, body, sig] = parts as [string, string, string];
  const expected = Buffer.from(payload, 'utf8').toString('base64url');
  if (body !== '' && body !== expected) fail('its payload is not the result it is attached to');
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(signature).alg;
  } catch {
    fail('its header cannot be read');
  }
  if (alg === undefined || !(RESULT_SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    fail(`algorithm ${String(alg)} is not one of ${RESULT_SIGNATURE_ALGORITHMS.join(', ')}`);
  }
  let key: Awaited<ReturnType<typeof importSPKI>>;
  try {
    key = await importSPKI(publicKeyPem, alg!);
  } catch {
    return fail(`the authority's key does not fit algorithm ${alg!}`);
  }
  try {
    await compactVerify(`${header}.${expected}.${sig}`, key, {
      algorithms: [...RESULT_SIGNATURE_ALGORITHMS],
    });
  } catch {
    fail("it does not verify with the authority's key");
  }
}
