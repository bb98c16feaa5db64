import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';

import type { CtsTelemetry } from '../../../shared/cts';
import { attestationKeyPath } from '../../../electron/core/cts/attestationSigner';
import { ACME, GLOBEX } from '../../fixtures/ctpApps';
import { ctsProvider, useCtsApps } from '../../fixtures/cts';
import { SHARED } from '../../helpers/processes';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const ctsApp = useCtsApps();

/** The upstream schema file itself (shared/fixtures/opencts), compiled by ajv 8 + formats. */
function schemaValidator() {
  const schema = JSON.parse(
    readFileSync(join(SHARED, 'fixtures', 'opencts', 'cts-schema.v1-2025-10-16.json'), 'utf8'),
  ) as object;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

async function getCts(app: Awaited<ReturnType<typeof ctsApp>>['app'], url = '/cts') {
  const response = await app.inject({ method: 'GET', url, headers: ACME });
  return { response, body: response.json<CtsTelemetry>() };
}

describe('GET /cts', () => {
  it('serves telemetry valid against the upstream schema, computed by the documented rules', async () => {
    const { app } = await ctsApp(tempDir());
    const { response, body } = await getCts(app);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const validate = schemaValidator();
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(body.version).toBe('v1');
    expect(body.compliance_posture).toBe('partially_compliant');
    expect(body.frameworks.map((f) => [f.name, f.status, f.score])).toEqual([
      ['SOC2', 'partial', 5 / 6],
      ['ISO27001', 'non_compliant', 0],
    ]);
    expect(body.frameworks[0]!.controls!.map((c) => [c.id, c.status])).toEqual([
      ['CC7.2', 'compliant'],
      ['CC7.1', 'partial'],
      ['CC1.1', 'compliant'],
    ]);
    expect(body.evidence_refs).toEqual(['https://example.com/trust/soc2-report.pdf']);
    const ours = (body.extensions!['trust-auditor'] as { frameworks: unknown[] }).frameworks;
    expect(ours[1]).toEqual({
      name: 'ISO27001',
      source: 'measured',
      controls: [
        {
          id: 'A.8.8',
          source: 'measured',
          objectives: [{ measurement: 'scan', state: 'not_evidenced', reason: 'no_objective' }],
        },
      ],
      counts: { compliant: 0, partial: 0, non_compliant: 1 },
    });
  });

  it('answers any account with the CTP API token rule, 401 without, and everyone when public', async () => {
    const { app } = await ctsApp(tempDir());
    const none = await app.inject({ method: 'GET', url: '/cts' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="CTP", scope="CTP_API_1.0"');
    expect(none.json()).toEqual({ error: expect.stringMatching(/bearer token/) });
    const bad = await app.inject({
      method: 'GET',
      url: '/cts/metrics',
      headers: { authorization: 'Bearer nope-nope-nope-nope' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    expect((await app.inject({ method: 'GET', url: '/cts', headers: GLOBEX })).statusCode).toBe(
      200,
    );
    const open = await ctsApp(tempDir(), { public: true });
    for (const url of ['/cts', '/cts/metrics', '/cts/attestation', '/cts/keys', '/cpx']) {
      expect((await open.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('answers the same at /cpx, 304 for a matching ETag, 405 for other methods', async () => {
    const { app } = await ctsApp(tempDir());
    const cts = await app.inject({ method: 'GET', url: '/cts', headers: ACME });
    const cpx = await app.inject({ method: 'GET', url: '/cpx', headers: ACME });
    expect(cpx.body).toBe(cts.body);
    const again = await app.inject({
      method: 'GET',
      url: '/cts',
      headers: { ...ACME, 'if-none-match': cts.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const post = await app.inject({ method: 'POST', url: '/cts/metrics', headers: ACME });
    expect(post.statusCode).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await app.inject({ method: 'HEAD', url: '/cpx/metrics', headers: ACME });
    expect(head.statusCode).toBe(200);
  });

  it('filters with ?framework=NAME (posture of the frameworks kept), 404 for an unknown one', async () => {
    const { app } = await ctsApp(tempDir());
    const { body } = await getCts(app, '/cts?framework=ISO27001');
    expect(body.frameworks.map((f) => f.name)).toEqual(['ISO27001']);
    expect(body.compliance_posture).toBe('unknown');
    expect(schemaValidator()(body)).toBe(true);
    const both = await getCts(app, '/cts?framework=ISO27001&framework=SOC2');
    expect(both.body.frameworks.map((f) => f.name)).toEqual(['SOC2', 'ISO27001']);
    const unknown = await app.inject({
      method: 'GET',
      url: '/cts?framework=<b>HIPAA</b>',
      headers: ACME,
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toEqual({
      error: expect.stringMatching(/No framework named "<b>HIPAA<\/b>".*SOC2, ISO27001/),
    });
    const extra = await app.inject({ method: 'GET', url: '/cts?frameworks=SOC2', headers: ACME });
    expect(extra.statusCode).toBe(400);
  });

  it('keeps its timestamp while the content is unchanged and moves it when a status changes', async () => {
    const { app, services, cts, time } = await ctsApp(tempDir());
    const first = await getCts(app);
    time.advance(60_000);
    // A new result that keeps every status: same content, same timestamp, same bytes.
    await services.publisher.publish('m1', JSON.stringify({ value: [{ percentage: 99.99 }] }));
    await cts.telemetry.refresh();
    const same = await getCts(app);
    expect(same.response.body).toBe(first.response.body);
    // A failing result: recorded at the time of the refresh that follows the write.
    time.advance(60_000);
    await services.publisher.publish('m1', JSON.stringify({ value: [{ percentage: 98.5 }] }));
    const changedAt = time.clock().toISOString();
    await cts.telemetry.refresh();
    time.advance(60_000);
    const changed = await getCts(app);
    expect(changed.body.timestamp).toBe(changedAt);
    expect(changed.body.frameworks[0]).toMatchObject({ status: 'partial', score: 1 / 3 });
    expect(changed.response.headers.etag).not.toBe(first.response.headers.etag);
    expect((await cts.telemetry.changes()).map((c) => c.frameworks[0]!.score)).toEqual([
      1 / 3,
      5 / 6,
    ]);
  });

  it('recomputes on a read after a write nobody announced (another process, an import)', async () => {
    const { app, services, time } = await ctsApp(tempDir());
    const before = await getCts(app);
    time.advance(5_000);
    const provider = ctsProvider();
    provider.compliance.frameworks[1]!.controls[0] = { id: 'A.8.8', measurements: ['m1'] };
    await services.importer.importDocument(provider);
    const after = await getCts(app);
    expect(after.body.timestamp).toBe(time.clock().toISOString());
    expect(after.body.timestamp).not.toBe(before.body.timestamp);
    expect(after.body.frameworks[1]).toMatchObject({ status: 'compliant', score: 1 });
    expect(after.body.compliance_posture).toBe('partially_compliant');
  });
});

describe('GET /cts/metrics', () => {
  it('is Prometheus text 0.0.4 that promtool checks clean, with the spec metric and ours', async () => {
    const provider = ctsProvider();
    // Names that need escaping in label values: quotes, backslashes, a line feed.
    provider.compliance.frameworks.push({
      name: 'Odd "name" \\ here',
      controls: [{ id: 'C\n1', measurements: ['m1'] }],
    });
    const { app } = await ctsApp(tempDir(), { provider });
    const response = await app.inject({ method: 'GET', url: '/cts/metrics', headers: ACME });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = response.body;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.stdout + check.stderr).toBe('');
    expect(check.status).toBe(0);
    expect(text).toContain(`opencts_compliance_score{framework="SOC2"} ${5 / 6}\n`);
    expect(text).toContain('opencts_posture{state="partially_compliant"} 1\n');
    expect(text).toContain('opencts_controls{framework="SOC2",state="partial"} 1\n');
    expect(text).toContain(
      'opencts_control_status{framework="SOC2",control="CC7.1",state="partial"} 1\n',
    );
    expect(text).toContain('opencts_objectives{framework="ISO27001",state="not_evidenced"} 1\n');
    expect(text).toContain('opencts_evidence_references{framework="SOC2",kind="https"} 1\n');
    expect(text).toContain('opencts_posture_evidence_references{kind="https"} 1\n');
    expect(text).toMatch(/^opencts_last_change_timestamp_seconds 1767225600$/m);
    expect(text).toContain(
      'opencts_control_status{framework="Odd \\"name\\" \\\\ here",control="C\\n1",state="compliant"} 1\n',
    );
    for (const family of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      expect(family[2]).toBe('gauge');
      expect(family[1]).not.toMatch(/_total$|_count$/);
      expect(text).toContain(`# HELP ${family[1]} `);
    }
  });
});

describe('GET /cts/attestation and /cts/keys', () => {
  it('signs the RFC 8785 form of the telemetry with a kept P-256 key that openssl verifies from the JWKS', async () => {
    const dir = tempDir();
    const { app } = await ctsApp(dir);
    const { response, body } = await getCts(app);
    const attestation = await app.inject({ method: 'GET', url: '/cts/attestation', headers: ACME });
    expect(attestation.headers['content-type']).toBe('application/jose; charset=utf-8');
    const jws = attestation.body;
    const [header, payload, signature] = jws.split('.') as [string, string, string];
    const protectedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<
      string,
      string
    >;
    const jwks = (await app.inject({ method: 'GET', url: '/cts/keys', headers: ACME })).json<{
      keys: Array<Record<string, string>>;
    }>();
    expect(jwks.keys).toHaveLength(1);
    const jwk = jwks.keys[0]!;
    expect(protectedHeader).toEqual({ alg: 'ES256', kid: jwk.kid, typ: 'opencts-attestation+jws' });
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwk.d).toBeUndefined();
    // The payload is the served document, canonical (RFC 8785).
    const signed = Buffer.from(payload, 'base64url').toString('utf8');
    expect(signed).toBe(canonicalize(body));
    expect(JSON.parse(signed)).toEqual(JSON.parse(response.body));
    expect(verifyWithOpenssl(dir, `${header}.${payload}`, signature, jwk)).toBe(true);
    expect(verifyWithOpenssl(dir, `${header}.${payload}x`, signature, jwk)).toBe(false);
    // The key stays in the data folder, owner-only, and is used again by the next server.
    expect(statSync(attestationKeyPath(dir)).mode & 0o777).toBe(0o600);
    const next = await ctsApp(dir);
    const again = (await next.app.inject({ method: 'GET', url: '/cts/keys', headers: ACME })).json<{
      keys: Array<{ kid: string }>;
    }>();
    expect(again.keys[0]!.kid).toBe(jwk.kid);
  });
});

/** ES256 verified by openssl alone: the SPKI built from the JWK's x and y, r||s as DER. */
function verifyWithOpenssl(
  dir: string,
  input: string,
  signature: string,
  jwk: Record<string, string>,
): boolean {
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url'),
  ]);
  const spki = Buffer.concat([
    Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
    point,
  ]);
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END PUBLIC KEY-----\n`;
  const raw = Buffer.from(signature, 'base64url');
  const integer = (bytes: Buffer): Buffer => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.subarray(start);
    const value = trimmed[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
    return Buffer.concat([Buffer.from([2, value.length]), value]);
  };
  const sequence = Buffer.concat([integer(raw.subarray(0, 32)), integer(raw.subarray(32))]);
  writeFileSync(join(dir, 'jwk.pem'), pem);
  writeFileSync(
    join(dir, 'sig.der'),
    Buffer.concat([Buffer.from([0x30, sequence.length]), sequence]),
  );
  writeFileSync(join(dir, 'input'), input);
  try {
    execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'jwk.pem'),
        '-signature',
        join(dir, 'sig.der'),
        join(dir, 'input'),
      ],
      { stdio: 'pipe' },
    );
    return true;
  } catch {
    return false;
  }
}
