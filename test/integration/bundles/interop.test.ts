// Interoperability with real tools: OpenSSL for RSA-PSS signatures, GNU tar for archives.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createBundle } from '../../../electron/core/bundles/signing/createBundle';
import { generateSigningKeyPair } from '../../../electron/core/bundles/signing/keygen';
import { loadPublicKey } from '../../../electron/core/bundles/signing/keyId';
import { readBundle, readBundleFile } from '../../../electron/core/bundles/archive/readBundle';
import { signBundle } from '../../../electron/core/bundles/signing/signBundle';
import {
  embeddedSigningInput,
  signData,
  verifySignature,
} from '../../../electron/core/bundles/signing/signature';
import { createTrustStore } from '../../../electron/core/bundles/signing/trustStore';
import { createBundleVerifier } from '../../../electron/core/bundles/verify/verifyBundle';
import { loadPrivateKey } from '../../../electron/core/bundles/signing/signBundle';

let dir: string;
let privatePem: string;
let publicPem: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bundles-interop-'));
  execFileSync('openssl', [
    'genpkey',
    '-algorithm',
    'RSA',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-quiet',
    '-out',
    join(dir, 'key.pem'),
  ]);
  execFileSync('openssl', [
    'pkey',
    '-in',
    join(dir, 'key.pem'),
    '-pubout',
    '-out',
    join(dir, 'pub.pem'),
  ]);
  privatePem = readFileSync(join(dir, 'key.pem'), 'utf8');
  publicPem = readFileSync(join(dir, 'pub.pem'), 'utf8');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const digests = { SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' } as const;

describe('RSA-PSS with OpenSSL', () => {
  it.each([
    ['SHA256', 'digest'],
    ['SHA384', 'max'],
    ['SHA512', '-1'],
    ['SHA512', '32'],
  ] as const)('openssl pkeyutl -sign (%s, salt %s) verifies with ours', (algorithm, salt) => {
    const data = join(dir, `data-${algorithm}-${salt}`);
    writeFileSync(data, `some bytes ${algorithm}`);
    const digest = digests[algorithm];
    const hashFile = `${data}.hash`;
    writeFileSync(hashFile, createHash(digest).update(readFileSync(data)).digest());
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'key.pem'),
      '-in',
      hashFile,
      '-out',
      `${data}.sig`,
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      `rsa_pss_saltlen:${salt}`,
      '-pkeyopt',
      `digest:${digest}`,
      '-pkeyopt',
      `rsa_mgf1_md:${digest}`,
    ]);
    const signature = readFileSync(`${data}.sig`).toString('hex');
    const key = loadPublicKey(publicPem).key;
    expect(verifySignature(algorithm, readFileSync(data), key, signature)).toBe(true);
    expect(verifySignature(algorithm, Buffer.from('other bytes'), key, signature)).toBe(false);
  });

  it.each(['SHA256', 'SHA384', 'SHA512'] as const)(
    'ours (%s, max salt) verify with openssl pkeyutl -verify',
    (algorithm) => {
      const data = join(dir, `ours-${algorithm}`);
      writeFileSync(data, `our bytes ${algorithm}`);
      const digest = digests[algorithm];
      writeFileSync(`${data}.hash`, createHash(digest).update(readFileSync(data)).digest());
      writeFileSync(
        `${data}.sig`,
        Buffer.from(signData(algorithm, readFileSync(data), loadPrivateKey(privatePem)), 'hex'),
      );
      const output = execFileSync('openssl', [
        'pkeyutl',
        '-verify',
        '-pubin',
        '-inkey',
        join(dir, 'pub.pem'),
        '-in',
        `${data}.hash`,
        '-sigfile',
        `${data}.sig`,
        '-pkeyopt',
        'rsa_padding_mode:pss',
        '-pkeyopt',
        'rsa_pss_saltlen:auto',
        '-pkeyopt',
        `digest:${digest}`,
        '-pkeyopt',
        `rsa_mgf1_md:${digest}`,
      ]).toString();
      expect(output).toContain('Signature Verified Successfully');
    },
  );

  it('an embedded signature made by openssl over the canonical manifest verifies in a bundle', async () => {
    const rulesDir = join(dir, 'ossl-rules');
    mkdirSync(rulesDir, { recursive: true });
    writeFileSync(join(rulesDir, 'ow-a.json'), JSON.stringify(rule('ow-a')));
    const created = await createBundle({ dir: rulesDir, createdAt: '2025-01-01T00:00:00Z' });
    const key = loadPublicKey(publicPem);
    const manifest = { ...created.manifest };
    const input = join(dir, 'manifest.canonical');
    writeFileSync(input, embeddedSigningInput(manifest));
    writeFileSync(`${input}.hash`, createHash('sha512').update(readFileSync(input)).digest());
    execFileSync('openssl', [
      'pkeyutl',
      '-sign',
      '-inkey',
      join(dir, 'key.pem'),
      '-in',
      `${input}.hash`,
      '-out',
      `${input}.sig`,
      '-pkeyopt',
      'rsa_padding_mode:pss',
      '-pkeyopt',
      'rsa_pss_saltlen:max',
      '-pkeyopt',
      'digest:sha512',
    ]);
    manifest.signature = {
      algorithm: 'SHA512',
      signature: readFileSync(`${input}.sig`).toString('hex'),
      signer: 'OpenSSL',
      public_key_id: key.keyId,
      signed_at: '2025-01-01T00:00:00Z',
    };
    const folder = join(dir, 'ossl-bundle');
    mkdirSync(join(folder, 'rules'), { recursive: true });
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(folder, 'rules', 'ow-a.json'), readFileSync(join(rulesDir, 'ow-a.json')));
    execFileSync('tar', ['-czf', join(dir, 'ossl.tar.gz'), '-C', folder, 'manifest.json', 'rules']);
    const store = createTrustStore({ dir: join(dir, 'trust-ossl') });
    await store.add(publicPem);
    const { report } = await createBundleVerifier({ trustStore: store }).verifyFile(
      join(dir, 'ossl.tar.gz'),
    );
    expect(report.verdict).toBe('verified');
  });
});

describe('archives with GNU tar', () => {
  it('reads bundles GNU tar made (./ entries, gnu and pax formats, long names)', async () => {
    const folder = join(dir, 'gnu');
    mkdirSync(join(folder, 'rules'), { recursive: true });
    const long = `ow-${'x'.repeat(150)}`;
    for (const id of ['ow-a', long])
      writeFileSync(join(folder, 'rules', `${id}.json`), JSON.stringify(rule(id)));
    writeFileSync(
      join(folder, 'manifest.json'),
      JSON.stringify({
        name: 'gnu',
        version: '1.0.0',
        rules_count: 2,
        created_at: '2025-01-01T00:00:00Z',
      }),
    );
    for (const format of ['gnu', 'pax', 'ustar']) {
      const out = join(dir, `gnu-${format}.tar.gz`);
      const args =
        format === 'ustar'
          ? ['-czf', out, '-C', folder, 'manifest.json', 'rules/ow-a.json']
          : ['-czf', out, `--format=${format}`, '-C', folder, '.'];
      execFileSync('tar', args);
      const archive = await readBundleFile(out);
      expect(archive.files.map((file) => file.path)).toContain('rules/ow-a.json');
      if (format !== 'ustar')
        expect(archive.files.map((file) => file.path)).toContain(`rules/${long}.json`);
      const { report } = await createBundleVerifier({
        trustStore: createTrustStore({ dir: join(dir, 'none') }),
      }).verifyFile(out);
      expect(report.verdict).toBe(format === 'ustar' ? 'invalid' : 'valid-unsigned');
    }
  });

  it('GNU tar reads ours, and our bundles are deterministic', async () => {
    const rulesDir = join(dir, 'det');
    mkdirSync(rulesDir, { recursive: true });
    for (const id of ['ow-b', 'ow-a', `ow-${'y'.repeat(120)}`])
      writeFileSync(join(rulesDir, `${id}.json`), JSON.stringify(rule(id)));
    const first = await createBundle({ dir: rulesDir, createdAt: '2025-06-01T10:00:00Z' });
    const second = await createBundle({ dir: rulesDir, createdAt: '2025-06-01T10:00:00Z' });
    expect(first.bytes.equals(second.bytes)).toBe(true);
    const out = join(dir, 'ours.tar.gz');
    writeFileSync(out, first.bytes);
    const listing = execFileSync('tar', ['-tzvf', out]).toString();
    expect(execFileSync('tar', ['-tzf', out]).toString().trim().split('\n')).toEqual([
      'manifest.json',
      'rules/',
      'rules/ow-a.json',
      'rules/ow-b.json',
      `rules/ow-${'y'.repeat(120)}.json`,
    ]);
    expect(listing).toContain('2025-06-01');
    const extracted = join(dir, 'extracted');
    mkdirSync(extracted);
    execFileSync('tar', ['-xzf', out, '-C', extracted]);
    expect(readFileSync(join(extracted, 'rules', 'ow-a.json'), 'utf8')).toBe(
      JSON.stringify(rule('ow-a')),
    );
    // Signing is deterministic apart from the signature itself (PSS salts are random).
    const pair = await generateSigningKeyPair(join(dir, 'det-key'), 2048);
    const signed = await signBundle({
      bundle: first.bytes,
      privateKeyPem: readFileSync(pair.privateKeyPath),
      signer: 'det',
    });
    const archive = await readBundle(signed.bundle);
    expect(archive.files.map((file) => file.path)).toEqual([
      'manifest.json',
      'rules/ow-a.json',
      'rules/ow-b.json',
      `rules/ow-${'y'.repeat(120)}.json`,
    ]);
    writeFileSync(join(dir, 'signed.tar.gz'), signed.bundle);
    expect(execFileSync('tar', ['-tzf', join(dir, 'signed.tar.gz')]).toString()).toContain(
      'rules/ow-b.json',
    );
  });
});

function rule(id: string): Record<string, unknown> {
  return {
    rule_id: id,
    metadata: { name: id },
    severity: 'low',
    scanner_type: 'oscap',
    version: '1.0.0',
    is_latest: true,
    frameworks: { cis: { controls: ['1.1'], applicable: true } },
    platforms: ['rhel9'],
  };
}
