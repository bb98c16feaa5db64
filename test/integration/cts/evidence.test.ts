import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import type { EvidenceStatus } from '../../../shared/ctsEvidence';
import { testCertificates, useAuditorSide, useHostileServers } from '../../fixtures/cts';
import { useTempDirs } from '../../helpers/tempDir';

const tempDir = useTempDirs();
const serve = useHostileServers();
const auditorSide = useAuditorSide();

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const REPORT = 'SOC 2 Type II report (test evidence)\n';
const POLICY = 'Access control policy v3\n';

type Routes = Parameters<ReturnType<typeof useHostileServers>>[1];

/**
 * A vendor whose telemetry references evidence at its own origin, at another origin
 * (another port), at a loopback address that is not its host, and hostile endpoints.
 */
async function vendorWithEvidence(evidenceRoutes: (origin: string, other: string) => Routes) {
  const dir = tempDir();
  const tls = testCertificates(dir);
  const other = await serve(tls, { '/policy.txt': (_q, reply) => reply.send(POLICY) });
  const stranger = await serve(tls, { '/x': (_q, reply) => reply.send('internal') }, '127.0.0.2');
  let origin = '';
  let refs: unknown[] = [];
  const vendor = await serve(tls, {
    '/cts': (_q, reply) =>
      reply.send({
        version: 'v1',
        timestamp: '2026-01-01T00:00:00Z',
        compliance_posture: 'compliant',
        frameworks: [
          {
            name: 'SOC2',
            status: 'compliant',
            score: 1,
            controls: [
              { id: 'CC6.1', status: 'compliant', evidence_refs: refs.slice(0, 3) },
              {
                id: 'CC7.2',
                status: 'compliant',
                evidence_ref: `sha256:${sha256('pentest summary')}`,
              },
            ],
          },
        ],
        evidence_refs: refs.slice(3),
      }),
    ...evidenceRoutes(origin, other.origin),
  });
  origin = vendor.origin;
  const side = auditorSide(dir, { timeoutMs: 1500, maxBytes: 64 * 1024, maxRedirects: 3 });
  side.client.vendors.add({
    name: 'v',
    url: `${origin}/ctp/`,
    token: 'vendor-token-0123456789abcdef',
    trust: { kind: 'ca', caPem: tls.caPem },
  });
  return {
    dir,
    vendor,
    other,
    stranger,
    side,
    async sync(references: unknown[]) {
      refs = references;
      await side.client.sync.sync('v');
    },
  };
}

const statuses = (
  items: Array<{ reference: { text: string }; status: EvidenceStatus; detail: string | null }>,
) =>
  Object.fromEntries(
    items.map((item) => [
      item.reference.text.replace(/^https:\/\/127\.0\.0\.[12]:\d+/, ''),
      item.status,
    ]),
  );

describe('evidence references', () => {
  it('lists every reference with its kind, and checks files the auditor gives', async () => {
    const setup = await vendorWithEvidence(() => ({}));
    await setup.sync([
      `https://127.0.0.1:9/reports/soc2.pdf`,
      's3://vendor-evidence/soc2/2025.zip',
      'ftp://old.example/x',
      `sha256:${sha256(REPORT)}`,
    ]);
    let evidence = setup.side.cts.evidence('v');
    // Document order (the posture's own first), then by status.
    expect(evidence.items.map((i) => [i.reference.kind, i.status, i.where])).toEqual([
      ['sha256', 'unchecked', ['posture']],
      ['https', 'unchecked', ['SOC2 CC6.1']],
      ['sha256', 'unchecked', ['SOC2 CC7.2']],
      ['s3', 'cannot_check', ['SOC2 CC6.1']],
      ['other', 'cannot_check', ['SOC2 CC6.1']],
    ]);
    const { files } = setup.side.cts.checkFiles('v', [
      { name: 'report.pdf', sha256: sha256(REPORT), size: REPORT.length },
      { name: 'soc2.pdf', sha256: sha256('something else'), size: 14 },
      { name: 'holiday.jpg', sha256: sha256('holiday'), size: 7 },
    ]);
    expect(files.map((f) => [f.name, f.outcome])).toEqual([
      ['report.pdf', 'verified'],
      ['soc2.pdf', 'no_digest'],
      ['holiday.jpg', 'unmatched'],
    ]);
    evidence = setup.side.cts.evidence('v');
    expect(evidence.counts).toMatchObject({
      verified: 1,
      no_digest: 1,
      unchecked: 1,
      cannot_check: 2,
    });
    expect(evidence.unmatchedFiles.map((f) => f.name)).toEqual(['holiday.jpg']);
  });

  it('downloads https evidence within bounds, keeps it by hash, and sends the token only to the vendor', async () => {
    const setup = await vendorWithEvidence((origin, other) => ({
      '/evidence/report.txt': (_q, reply) => reply.send(REPORT),
      '/evidence/wrong.txt': (_q, reply) => reply.send('tampered'),
      '/evidence/elsewhere': (_q, reply) => reply.redirect(`${other}/policy.txt`),
      '/evidence/loop': (_q, reply) => reply.redirect(`${origin}/evidence/loop`),
      '/evidence/downgrade': (_q, reply) => reply.redirect('http://127.0.0.1:9/report.txt'),
      '/evidence/huge': (_q, reply) => {
        // Declares 100 MiB and sends a byte: refused on the header, before any reading.
        reply.hijack();
        reply.raw.writeHead(200, { 'content-length': String(100 * 1024 * 1024) });
        reply.raw.write('x');
      },
      '/evidence/big': (_q, reply) => {
        // Chunked, no declared length: the bound is met while reading.
        const stream = new PassThrough();
        stream.end(Buffer.alloc(100 * 1024, 0x41));
        return reply.send(stream);
      },
      '/evidence/endless': (_q, reply) => {
        const stream = new PassThrough();
        const timer = setInterval(() => stream.write('x'.repeat(100)), 50);
        stream.on('close', () => clearInterval(timer));
        return reply.send(stream);
      },
      '/evidence/gone': (_q, reply) => reply.code(404).send('gone'),
    }));
    const v = setup.vendor.origin;
    // Object references (the upstream examples' form) carry the digest beside the URL.
    await setup.sync([
      { url: `${v}/evidence/report.txt`, hash: `sha256:${sha256(REPORT)}` },
      { url: `${v}/evidence/wrong.txt`, hash: `sha256:${sha256(REPORT)}` },
      `${setup.other.origin}/policy.txt`,
      `${v}/evidence/elsewhere`,
      `${v}/evidence/loop`,
      `${v}/evidence/downgrade`,
      `${v}/evidence/huge`,
      `${v}/evidence/big`,
      `${v}/evidence/endless`,
      `${v}/evidence/gone`,
      `${setup.stranger.origin}/x`,
      `https://s3.example.com/b/k?X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-Signature=s`,
    ]);
    const evidence = await setup.side.cts.fetchEvidence('v');
    const byPath = statuses(evidence.items);
    expect(byPath).toMatchObject({
      '/policy.txt': 'no_digest',
      '/evidence/report.txt': 'verified',
      '/evidence/wrong.txt': 'mismatch',
      '/evidence/elsewhere': 'no_digest',
      '/evidence/loop': 'unreachable',
      '/evidence/downgrade': 'unreachable',
      '/evidence/huge': 'unreachable',
      '/evidence/big': 'unreachable',
      '/evidence/endless': 'unreachable',
      '/evidence/gone': 'unreachable',
      '/x': 'unreachable',
      'https://s3.example.com/b/k?X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-Signature=s':
        'expired',
    });
    const detail = (path: string) =>
      evidence.items.find((i) => i.reference.text.endsWith(path))!.detail;
    expect(detail('/evidence/wrong.txt')).toBe(
      `the download hashes to ${sha256('tampered')}, the reference names ${sha256(REPORT)}`,
    );
    expect(detail('/evidence/loop')).toMatch(/more than 3 redirects/);
    expect(detail('/evidence/downgrade')).toMatch(
      /http:\/\/127\.0\.0\.1:9\/report\.txt is not https/,
    );
    expect(detail('/evidence/huge')).toMatch(/\(104857600 bytes\) is larger than 65536 bytes/);
    expect(detail('/evidence/big')).toMatch(/the file is larger than 65536 bytes/);
    expect(detail('/evidence/endless')).toMatch(/not complete within 1500 ms/);
    expect(detail('/evidence/gone')).toMatch(/answered 404/);
    expect(detail('/x')).toMatch(/127\.0\.0\.2 is a private or special address/);
    // The other host was never asked; the vendor's token stayed with the vendor.
    expect(setup.stranger.seen).toEqual([]);
    expect(setup.other.seen.map((s) => s.authorization)).toEqual([undefined, undefined]);
    expect(setup.vendor.seen.find((s) => s.url === '/evidence/report.txt')!.authorization).toBe(
      'Bearer vendor-token-0123456789abcdef',
    );
    // Kept by hash, owner-only, nothing else left behind.
    const kept = join(setup.dir, 'evidence');
    expect(readdirSync(kept).sort()).toEqual(
      [sha256(POLICY), sha256(REPORT), sha256('tampered')].sort(),
    );
    expect(readFileSync(join(kept, sha256(REPORT)), 'utf8')).toBe(REPORT);
    expect(statSync(join(kept, sha256(REPORT))).mode & 0o777).toBe(0o600);
  });
});
