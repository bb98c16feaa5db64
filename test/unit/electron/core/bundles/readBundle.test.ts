import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import type { BundleFinding } from '../../../../../shared/bundles';
import { AppError } from '../../../../../shared/errors';
import {
  archiveErrorFile,
  archiveErrorFindings,
  readBundle,
} from '../../../../../electron/core/bundles/archive/readBundle';
import { tarBytes, tarGz, validBundle } from '../../../../fixtures/bundles';
import type { RawEntry } from '../../../../fixtures/bundles';

const manifest = { path: 'manifest.json', body: '{}' };

async function refusal(bytes: Uint8Array, limits = {}): Promise<BundleFinding[]> {
  try {
    await readBundle(bytes, { limits });
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const findings = archiveErrorFindings(error);
    expect(findings).not.toBeNull();
    return findings ?? [];
  }
  throw new Error('the archive was accepted');
}

async function refusedWith(entries: RawEntry[], code: string): Promise<BundleFinding[]> {
  const findings = await refusal(tarGz(entries));
  expect(findings.map((finding) => finding.code)).toContain(code);
  return findings;
}

describe('readBundle', () => {
  it('reads a valid bundle into memory, in archive order', async () => {
    const archive = await readBundle(validBundle(2));
    expect(archive.files.map((file) => [file.path, file.kind])).toEqual([
      ['manifest.json', 'manifest-json'],
      ['rules/ow-rule_0.json', 'rule-file'],
      ['rules/ow-rule_1.json', 'rule-file'],
    ]);
    expect(archive.hasRulesDirectory).toBe(true);
    expect(archive.entryCount).toBe(4);
    expect(archive.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads from a stream too, and sees every raw byte', async () => {
    const bytes = validBundle(3);
    const seen: Buffer[] = [];
    async function* stream(): AsyncGenerator<Uint8Array> {
      for (let offset = 0; offset < bytes.length; offset += 7)
        yield bytes.subarray(offset, offset + 7);
    }
    const archive = await readBundle(stream(), { onRawChunk: (chunk) => seen.push(chunk) });
    expect(Buffer.concat(seen).equals(bytes)).toBe(true);
    expect(archive.files).toHaveLength(4);
  });

  it('hands each file to onFile as it completes, and stops cleanly when onFile throws', async () => {
    const seen: string[] = [];
    const archive = await readBundle(validBundle(300), { onFile: (file) => seen.push(file.path) });
    expect(seen).toEqual(archive.files.map((file) => file.path));
    expect(seen).toHaveLength(301);

    const broken = new Error('a bug in the caller');
    let calls = 0;
    await expect(
      readBundle(validBundle(300), {
        onFile: () => {
          calls += 1;
          if (calls === 5) throw broken;
        },
      }),
    ).rejects.toBe(broken);
    expect(calls).toBe(5);
  });

  it('keeps only the files `keep` asks for, after onFile has seen every one', async () => {
    const seen: string[] = [];
    const archive = await readBundle(validBundle(3), {
      onFile: (file) => seen.push(file.path),
      keep: (file) => file.kind !== 'rule-file',
    });
    expect(seen).toHaveLength(4);
    expect(archive.files.map((file) => file.path)).toEqual(['manifest.json']);
  });

  it.each([
    ['symbolic link', { path: 'rules/ow-a.json', type: 'SymbolicLink', linkpath: '/etc/passwd' }],
    ['hard link', { path: 'rules/ow-a.json', type: 'Link', linkpath: 'manifest.json' }],
    ['character device', { path: 'rules/ow-a.json', type: 'CharacterDevice' }],
    ['block device', { path: 'rules/ow-a.json', type: 'BlockDevice' }],
    ['FIFO', { path: 'rules/ow-a.json', type: 'FIFO' }],
    ['contiguous file', { path: 'rules/ow-a.json', type: 'ContiguousFile', body: '{}' }],
  ])('refuses a %s', async (_name, entry) => {
    const findings = await refusedWith([manifest, entry as RawEntry], 'ARCHIVE_ENTRY_TYPE');
    expect(findings[0]?.path).toBe('rules/ow-a.json');
  });

  it.each([
    ['../evil.json'],
    ['rules/../../evil.json'],
    ['/etc/cron.d/evil'],
    ['rules\\ow-a.json'],
  ])('refuses the traversal path %j', async (path) => {
    await refusedWith([manifest, { path, body: '{}' }], 'ARCHIVE_PATH_UNSAFE');
  });

  it('refuses a traversal path hidden in a pax header', async () => {
    await refusedWith(
      [manifest, { path: '../../evil.json', body: '{}', pax: true }],
      'ARCHIVE_PATH_UNSAFE',
    );
  });

  it('refuses files outside manifest and rules/', async () => {
    await refusedWith([manifest, { path: 'README.md', body: 'hi' }], 'ARCHIVE_PATH_UNEXPECTED');
  });

  it.each([
    ['exact', 'rules/ow-a.json', 'rules/ow-a.json'],
    ['./ prefix', 'rules/ow-a.json', './rules/ow-a.json'],
    ['case', 'rules/ow-a.json', 'rules/OW-A.json'],
    ['Unicode NFC/NFD', 'rules/ow-é.json', 'rules/ow-e\u0301.json'],
    ['manifest case', 'manifest.json', 'MANIFEST.json'],
  ])('refuses %s duplicates', async (_name, first, second) => {
    const entries = [manifest, { path: first, body: '{}' }, { path: second, body: '{"x":1}' }];
    if (first === 'manifest.json') entries.shift();
    const findings = await refusal(tarGz(entries));
    expect(findings.map((finding) => finding.code)).toContain(
      second === 'MANIFEST.json' ? 'ARCHIVE_PATH_UNEXPECTED' : 'ARCHIVE_DUPLICATE',
    );
  });

  it('refuses nested archives, by name and by content', async () => {
    const inner = gzipSync(tarBytes([manifest]));
    const findings = await refusal(
      tarGz([
        manifest,
        { path: 'rules/ow-a.tar.gz', body: inner },
        { path: 'rules/ow-b.json', body: inner },
      ]),
    );
    expect(findings.filter((finding) => finding.code === 'ARCHIVE_NESTED')).toHaveLength(2);
  });

  it('refuses a gzip inside the gzip without inflating it', async () => {
    const double = gzipSync(gzipSync(tarBytes([manifest])));
    expect((await refusal(double)).map((finding) => finding.code)).toEqual(['ARCHIVE_NESTED']);
  });

  it('stops a gzip bomb at the ratio limit, early', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const findings = await refusal(bomb);
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_LIMIT_RATIO']);
    // Early: inflating stopped at the first 1 MiB chunk past the 1 MiB grace, not at 64 MiB.
    const inflated = Number(/stopped after (\d+) bytes/.exec(findings[0]?.message ?? '')?.[1]);
    expect(inflated).toBeGreaterThan(1024 * 1024);
    expect(inflated).toBeLessThanOrEqual(2 * 1024 * 1024);
  });

  it('stops at the total uncompressed limit', async () => {
    const bytes = tarGz([
      manifest,
      { path: 'rules/ow-a.json', body: randomBytes(300 * 1024).toString('hex') },
    ]);
    const findings = await refusal(bytes, {
      maxUncompressedBytes: 256 * 1024,
      maxEntryBytes: 1024 * 1024,
    });
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_LIMIT_TOTAL']);
  });

  it('refuses an entry over the entry limit from its header, before reading it', async () => {
    const findings = await refusal(
      tarGz([manifest, { path: 'rules/ow-a.json', body: 'x'.repeat(2048) }]),
      { maxEntryBytes: 1024 },
    );
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_LIMIT_ENTRY']);
    expect(findings[0]?.path).toBe('rules/ow-a.json');
  });

  it('refuses too many entries', async () => {
    const entries = Array.from({ length: 12 }, (_, index) => ({
      path: `rules/ow-${index}.json`,
      body: '{}',
    }));
    const findings = await refusal(tarGz([manifest, ...entries]), { maxEntries: 10 });
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_LIMIT_ENTRIES']);
  });

  it('refuses an archive over the compressed limit', async () => {
    const findings = await refusal(validBundle(3), { maxCompressedBytes: 100 });
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_LIMIT_COMPRESSED']);
  });

  it.each([
    ['not gzip', Buffer.from('{"name": "not an archive"}'), 'ARCHIVE_NOT_GZIP'],
    ['empty', Buffer.alloc(0), 'ARCHIVE_NOT_GZIP'],
    ['a plain tar', tarBytes([manifest]), 'ARCHIVE_NOT_GZIP'],
    ['gzip of garbage', gzipSync(randomBytes(4096)), 'ARCHIVE_CORRUPT'],
  ])('refuses %s', async (_name, bytes, code) => {
    expect((await refusal(bytes)).map((finding) => finding.code)).toContain(code);
  });

  it.each([
    ['not gzip', randomBytes(4096).fill(0x41, 0, 2)],
    ['gzip of garbage', gzipSync(randomBytes(4096))],
    ['a truncated gzip stream', validBundle(20).subarray(0, 400)],
  ])('names a refused file (%s) by its whole size and SHA-256', async (_name, bytes) => {
    try {
      await readBundle(bytes);
      throw new Error('the archive was accepted');
    } catch (error) {
      expect(archiveErrorFile(error)).toEqual({
        sha256: createHash('sha256').update(bytes).digest('hex'),
        compressedBytes: bytes.length,
      });
    }
  });

  it('gives no SHA-256 for a file over the compressed limit, which it does not read whole', async () => {
    const bytes = validBundle(3);
    await expect(readBundle(bytes, { limits: { maxCompressedBytes: 100 } })).rejects.toSatisfy(
      (error) => archiveErrorFile(error)?.sha256 === '',
    );
  });

  it('refuses a truncated gzip stream', async () => {
    const bytes = validBundle(20);
    const findings = await refusal(bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(findings.map((finding) => finding.code)).toContain('ARCHIVE_TRUNCATED');
  });

  it('refuses a tar that ends in the middle of an entry', async () => {
    const tar = tarBytes([manifest, { path: 'rules/ow-a.json', body: 'x'.repeat(4000) }], {
      endMarker: false,
    });
    const findings = await refusal(gzipSync(tar.subarray(0, 2048)));
    expect(findings.map((finding) => finding.code)).toContain('ARCHIVE_TRUNCATED');
  });

  it('refuses a tar without its end-of-archive marker', async () => {
    const findings = await refusal(tarGz([manifest], { endMarker: false }));
    expect(findings.map((finding) => finding.code)).toEqual(['ARCHIVE_TRUNCATED']);
  });

  it('refuses a header with a bad checksum', async () => {
    const tar = tarBytes([manifest, { path: 'rules/ow-a.json', body: '{}' }]);
    tar[512 * 2 + 10] = 0x41; // inside the second header's name
    expect((await refusal(gzipSync(tar))).map((finding) => finding.code)).toContain(
      'ARCHIVE_CORRUPT',
    );
  });

  it('reports every unsafe entry, not only the first', async () => {
    const findings = await refusal(
      tarGz([
        manifest,
        { path: '../a.json', body: '{}' },
        { path: 'rules/ow-b.json', type: 'SymbolicLink', linkpath: '/etc/shadow' },
        { path: 'notes.txt', body: 'x' },
      ]),
    );
    expect(findings.map((finding) => finding.code)).toEqual([
      'ARCHIVE_PATH_UNSAFE',
      'ARCHIVE_ENTRY_TYPE',
      'ARCHIVE_PATH_UNEXPECTED',
    ]);
  });
});
