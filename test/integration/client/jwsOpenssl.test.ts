import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  createAuthorityKeys,
  verifyResultSignature,
} from '../../../electron/core/client/jwsVerify';
import { parseMeasurement } from '../../../electron/core/client/responseShapes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

function openssl(args: string[], input?: Buffer): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'ignore'] });
}

/** ECDSA DER signature → JWS raw r||s (RFC 7518 3.4). */
function derToJose(der: Buffer): Buffer {
  let offset = 2 + (der[1]! & 0x80 ? der[1]! & 0x7f : 0);
  const read = (): Buffer => {
    const length = der[offset + 1]!;
    const value = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    const trimmed = value[0] === 0 ? value.subarray(1) : value;
    return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
  };
  return Buffer.concat([read(), read()]);
}

type Alg = 'RS256' | 'PS256' | 'ES256';

function keys(dir: string, alg: Alg): { key: string; pub: string } {
  const key = join(dir, `${alg}.key`);
  const pub = join(dir, `${alg}.pub`);
  if (alg === 'ES256')
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  else openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key]);
  openssl(['pkey', '-in', key, '-pubout', '-out', pub]);
  return { key, pub };
}

/** Signs P with openssl and returns the compact JWS (detached or with the payload). */
function sign(
  dir: string,
  alg: Alg,
  keyFile: string,
  payload: string,
  detached: boolean,
  extraHeader = {},
): string {
  const header = b64url(JSON.stringify({ alg, ...extraHeader }));
  const input = `${header}.${b64url(payload)}`;
  const inputFile = join(dir, 'input');
  writeFileSync(inputFile, input);
  const args = ['dgst', '-sha256', '-sign', keyFile];
  if (alg === 'PS256')
    args.push('-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32');
  let signature = openssl([...args, inputFile]);
  if (alg === 'ES256') signature = derToJose(signature);
  return `${header}.${detached ? '' : b64url(payload)}.${b64url(signature)}`;
}

/** A measurement as a vendor might send it: numbers written `99.0`, spaces, a unicode escape. */
function measurementText(resultBody: string, signature: string | null): string {
  return `{
  "self": "https://v.example/ctp/measurements/m1",
  "result": { ${resultBody}, "authorityId": "auditor-ca",
              "signature": ${signature === null ? 'null' : JSON.stringify(signature)} },
  "state": "activated"
}`;
}

const BODY =
  '"value": [ { "percentage": 99.0, "note": "caf\\u00e9 ok" } ], "updateTime": "2026-01-01T00:00:00.000Z"';
const PAYLOAD =
  '{"value":[{"percentage":99.0,"note":"caf\\u00e9 ok"}],"updateTime":"2026-01-01T00:00:00.000Z","authorityId":"auditor-ca"}';

function resultOf(text: string) {
  const parsed = parseMeasurement(text);
  if (!parsed.ok || parsed.value.result === null) throw new Error('unparsed');
  return parsed.value.result;
}

describe('result signatures made with openssl (SPEC-NOTES JWS)', () => {
  it.each([
    ['RS256', true],
    ['RS256', false],
    ['PS256', true],
    ['ES256', false],
  ] as const)(
    '%s (detached %s) verifies over the text as received, 99.0 included',
    async (alg, detached) => {
      const dir = tempDir();
      const { key, pub } = keys(dir, alg);
      const signature = sign(dir, alg, key, PAYLOAD, detached);
      const result = resultOf(measurementText(BODY, signature));
      expect(result.payloadText).toBe(PAYLOAD);
      const authorities = createAuthorityKeys({
        keys: { 'auditor-ca': readFileSync(pub, 'utf8') },
      });
      expect(await verifyResultSignature(result, authorities)).toEqual({
        status: 'verified',
        message: null,
      });

      // Tampered: the same signature over a result whose value was changed.
      const tampered = resultOf(measurementText(BODY.replace('99.0', '99.9'), signature));
      expect((await verifyResultSignature(tampered, authorities)).status).toBe('invalid');
      // Re-serialized (99.0 → 99): what a client that parses and stringifies would check.
      const reserialized = { ...result, payloadText: JSON.stringify(JSON.parse(PAYLOAD)) };
      expect((await verifyResultSignature(reserialized, authorities)).status).toBe('invalid');
    },
  );

  it('a JWK key, an unknown authority, an unsigned result, bad algorithms', async () => {
    const dir = tempDir();
    const { key, pub } = keys(dir, 'RS256');
    const signature = sign(dir, 'RS256', key, PAYLOAD, true);
    const result = resultOf(measurementText(BODY, signature));
    const jwk = (await import('node:crypto'))
      .createPublicKey(readFileSync(pub, 'utf8'))
      .export({ format: 'jwk' });
    expect(
      (await verifyResultSignature(result, createAuthorityKeys({ keys: { 'auditor-ca': jwk } })))
        .status,
    ).toBe('verified');
    expect(
      (await verifyResultSignature(result, createAuthorityKeys({ keys: { other: jwk } }))).status,
    ).toBe('unknown_authority');
    expect(
      (await verifyResultSignature(resultOf(measurementText(BODY, null)), createAuthorityKeys({})))
        .status,
    ).toBe('unsigned');
    const none = `${b64url('{"alg":"none"}')}..`;
    expect(
      await verifyResultSignature(
        { ...result, signature: none },
        createAuthorityKeys({ keys: { 'auditor-ca': jwk } }),
      ),
    ).toMatchObject({
      status: 'invalid',
      message: expect.stringMatching(/unsupported algorithm "none"/),
    });
    expect(
      (await verifyResultSignature({ ...result, signature: 'not a jws' }, createAuthorityKeys({})))
        .status,
    ).toBe('invalid');
    expect(
      (await verifyResultSignature({ ...result, authorityId: null }, createAuthorityKeys({})))
        .status,
    ).toBe('invalid');
  });

  it('an x5c chain to a CA the auditor trusts verifies; an untrusted chain is an unknown authority', async () => {
    const dir = tempDir();
    const ca = join(dir, 'ca');
    const leaf = join(dir, 'leaf');
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
      '-days',
      '2',
      '-subj',
      '/CN=Auditor CA',
    ]);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${leaf}.key`,
      '-out',
      `${leaf}.csr`,
      '-subj',
      '/CN=signer',
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      `${leaf}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${leaf}.pem`,
      '-days',
      '1',
    ]);
    const leafDer = openssl(['x509', '-in', `${leaf}.pem`, '-outform', 'DER']);
    const signature = sign(dir, 'RS256', `${leaf}.key`, PAYLOAD, true, {
      x5c: [leafDer.toString('base64')],
    });
    const result = resultOf(measurementText(BODY, signature));
    const trusted = createAuthorityKeys({ cas: [readFileSync(`${ca}.pem`, 'utf8')] });
    expect(await verifyResultSignature(result, trusted)).toEqual({
      status: 'verified',
      message: null,
    });
    expect((await verifyResultSignature(result, createAuthorityKeys({}))).status).toBe(
      'unknown_authority',
    );
  });
});
