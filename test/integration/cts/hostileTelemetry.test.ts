import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import canonicalize from 'canonicalize';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';

import { describeVendorCts } from '../../../electron/cli/commands/vendorCts';
import { testCertificates, useAuditorSide, useHostileServers } from '../../fixtures/cts';
import { SHARED } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const serve = useHostileServers();
const auditorSide = useAuditorSide();

const VALID = {
  version: 'v1',
  timestamp: '2026-01-01T00:00:00Z',
  compliance_posture: 'compliant',
  frameworks: [{ name: 'SOC2', status: 'compliant', score: 1 }],
};

type Routes = Parameters<ReturnType<typeof useHostileServers>>[1];

/** A hostile vendor at its own https origin, followed with its CA, synced once. */
async function syncAgainst(routes: Routes) {
  const dir = tempDir();
  const tls = testCertificates(dir);
  const server = await serve(tls, routes);
  const side = auditorSide(dir);
  side.client.vendors.add({
    name: 'evil',
    url: `${server.origin}/ctp/`,
    token: 'evil-token-0123456789abcdef',
    trust: { kind: 'ca', caPem: tls.caPem },
  });
  await side.client.sync.sync('evil');
  return { ...side, server, view: () => side.cts.view('evil') };
}

describe('hostile vendor telemetry', () => {
  it('refuses a document over the size bound and keeps nothing of it', async () => {
    const huge = JSON.stringify({ ...VALID, extensions: { pad: 'x'.repeat(5 * 1024 * 1024) } });
    const { view } = await syncAgainst({
      '/cts': (_q, reply) => reply.type('application/json').send(huge),
    });
    expect(view().lastRead).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/larger than 4194304 bytes/),
    });
    expect(view().current).toBeNull();
    expect(view().history).toEqual([]);
  });

  it('keeps a schema-invalid document, with the schema reasons, and reads what it can', async () => {
    const upstream = readFileSync(
      join(SHARED, 'fixtures', 'opencts', 'examples-upstream', 'payment-saas-example.json'),
      'utf8',
    );
    const { view } = await syncAgainst({
      '/cts': (_q, reply) => reply.type('application/json').send(upstream),
    });
    const current = view().current!;
    expect(current.valid).toBe(false);
    expect(current.problems).toEqual(
      expect.arrayContaining([
        '(root): has "organization", which the schema does not allow here',
        '(root): has "_comment", which the schema does not allow here',
        'evidence_refs[0]: must be string',
      ]),
    );
    expect(current.reading.frameworks.map((f) => f.name)).toEqual(['PCI-DSS', 'SOC2', 'ISO27001']);
    expect(view().lastRead).toMatchObject({
      status: 'ok',
      message: expect.stringMatching(/^invalid: /),
    });
    expect(view().attestation).toMatchObject({ status: 'absent' });
  });

  it('keeps a document nested too deep as invalid without reading into it, and one that is not JSON', async () => {
    const deep = `{"version":"v1","extensions":{"x":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const first = await syncAgainst({
      '/cts': (_q, reply) => reply.type('application/json').send(deep),
    });
    expect(first.view().current).toMatchObject({
      valid: false,
      problems: ['nests deeper than 64 levels; not read further'],
    });
    const second = await syncAgainst({
      '/cts': (_q, reply) => reply.type('application/json').send('<html>nope</html>'),
    });
    expect(second.view().current!.problems[0]).toMatch(/^not JSON: /);
  });

  it('shows names as the text they are: markup stays text, terminal controls are escaped', async () => {
    const document = {
      ...VALID,
      frameworks: [
        {
          name: '<img src=x onerror=alert(1)>\u001b]52;c;ZXZpbA==\u0007',
          status: 'compliant',
          score: 1,
        },
      ],
    };
    const { view } = await syncAgainst({ '/cts': (_q, reply) => reply.send(document) });
    expect(view().current!.reading.frameworks[0]!.name).toBe(document.frameworks[0]!.name);
    const text = describeVendorCts(view());
    expect(text).toContain('<img src=x onerror=alert(1)>');
    // The CLI prints through context.print, which escapes controls (terminalText.ts).
    const { sanitizeForTerminal } = await import('../../../electron/cli/terminalText');
    const printed = sanitizeForTerminal(text);
    expect(printed.includes('\u001b') || printed.includes('\u0007')).toBe(false);
  });

  it('does not follow /cts to another origin, and says a vendor without telemetry has none', async () => {
    const moved = await syncAgainst({
      '/cts': (_q, reply) => reply.redirect('https://127.0.0.1:1/cts'),
    });
    expect(moved.view().lastRead).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/outside the vendor's origin: refused/),
    });
    const none = await syncAgainst({});
    expect(none.view().lastRead).toMatchObject({ status: 'absent' });
    expect(none.server.seen.map((s) => s.url)).toContain('/cts');
  });

  it('rates a forged, a foreign and a mismatched attestation, and never pins their keys', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1' };
    const sign = (payload: string) =>
      new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .sign(privateKey);
    const body = JSON.stringify(VALID);
    const cases: Array<[string, Routes, string, RegExp | null]> = [
      [
        'garbage',
        { '/cts/attestation': (_q, r) => r.send('not.a.jws!') },
        'invalid',
        /not a compact JWS/,
      ],
      [
        'a private key in the JWKS',
        {
          '/cts/attestation': async (_q, r) => r.send(await sign(canonicalize(VALID)!)),
          '/cts/keys': (_q, r) => r.send({ keys: [privateJwk] }),
        },
        'invalid',
        /not a public key/,
      ],
      [
        'no such key',
        {
          '/cts/attestation': async (_q, r) => r.send(await sign(canonicalize(VALID)!)),
          '/cts/keys': (_q, r) => r.send({ keys: [{ ...jwk, kid: 'other' }] }),
        },
        'invalid',
        /has no key k1/,
      ],
      [
        'another document',
        {
          '/cts/attestation': async (_q, r) =>
            r.send(await sign(canonicalize({ ...VALID, compliance_posture: 'unknown' })!)),
          '/cts/keys': (_q, r) => r.send({ keys: [jwk] }),
        },
        'mismatch',
        /another document/,
      ],
      [
        'alg none',
        {
          '/cts/attestation': (_q, r) =>
            r.send(
              `${Buffer.from('{"alg":"none","kid":"k1"}').toString('base64url')}.${Buffer.from(body).toString('base64url')}.`,
            ),
          '/cts/keys': (_q, r) => r.send({ keys: [jwk] }),
        },
        'invalid',
        /algorithm must be one of/,
      ],
    ];
    for (const [label, routes, status, message] of cases) {
      const { view, server } = await syncAgainst({
        '/cts': (_q, reply) => reply.type('application/json').send(body),
        ...routes,
      });
      expect(view().attestation, label).toMatchObject({
        status,
        message: expect.stringMatching(message!),
      });
      expect(view().keys, label).toEqual([]);
      expect(
        server.seen
          .filter((s) => s.url.startsWith('/cts'))
          .every((s) => s.authorization === 'Bearer evil-token-0123456789abcdef'),
      ).toBe(true);
    }
  });
});
