import { describe, expect, it } from 'vitest';

import {
  checkEntryPath,
  duplicateKey,
  looksLikeArchive,
} from '../../../../../electron/core/bundles/archive/archivePaths';

describe('checkEntryPath', () => {
  it.each([
    ['manifest.json', false, 'manifest-json', 'manifest.json'],
    ['./manifest.json', false, 'manifest-json', 'manifest.json'],
    ['manifest.bson', false, 'manifest-bson', 'manifest.bson'],
    ['rules/', true, 'rules-dir', 'rules'],
    ['./rules/', true, 'rules-dir', 'rules'],
    ['rules', true, 'rules-dir', 'rules'],
    ['rules/ow-a.json', false, 'rule-file', 'rules/ow-a.json'],
    ['./rules/ow-a.bson', false, 'rule-file', 'rules/ow-a.bson'],
    ['./', true, 'root', ''],
    ['.', true, 'root', ''],
  ])('accepts %j', (raw, isDirectory, kind, path) => {
    expect(checkEntryPath(raw, isDirectory)).toEqual({ ok: true, kind, path });
  });

  it.each([
    ['../manifest.json', false],
    ['rules/../../etc/passwd', false],
    ['rules/..', true],
    ['/etc/passwd', false],
    ['/rules/ow-a.json', false],
    ['C:/rules/ow-a.json', false],
    ['rules\\ow-a.json', false],
    ['rules/ow-a.json\u0000.txt', false],
    ['rules/ow-\u001b.json', false],
    ['rules//ow-a.json', false],
    ['rules/./ow-a.json', false],
    ['././manifest.json', false],
    ['manifest.json/', false],
    ['', false],
  ])('refuses the unsafe path %j', (raw, isDirectory) => {
    const check = checkEntryPath(raw, isDirectory);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.code).toBe('ARCHIVE_PATH_UNSAFE');
  });

  it.each([
    ['README.md', false],
    ['manifest.json', true],
    ['rules', false],
    ['rules/sub/ow-a.json', false],
    ['rules/sub/', true],
    ['other/ow-a.json', false],
    ['.', false],
    [`rules/${'a'.repeat(256)}.json`, false],
  ])('refuses the unexpected path %j', (raw, isDirectory) => {
    const check = checkEntryPath(raw, isDirectory);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.code).toBe('ARCHIVE_PATH_UNEXPECTED');
  });
});

describe('duplicateKey', () => {
  it.each([
    ['rules/ow-a.json', 'rules/OW-A.json'],
    ['rules/ow-é.json', 'rules/ow-e\u0301.json'],
    ['rules/ow-straße.json', 'rules/ow-strasse.json'],
    ['rules/ow-ﬁ.json', 'rules/ow-fi.json'],
    ['rules/ow-É.json', 'rules/ow-e\u0301.json'],
  ])('%j and %j collide', (a, b) => {
    expect(duplicateKey(a)).toBe(duplicateKey(b));
  });

  it('keeps different names apart', () => {
    expect(duplicateKey('rules/ow-a.json')).not.toBe(duplicateKey('rules/ow-b.json'));
  });
});

describe('looksLikeArchive', () => {
  const tarHead = Buffer.alloc(512);
  tarHead.write('ustar', 257);
  it.each([
    ['ow-a.tar.gz', Buffer.from('{}')],
    ['ow-a.zip', Buffer.from('{}')],
    ['ow-a.json', Buffer.from([0x1f, 0x8b, 8, 0])],
    ['ow-a.json', Buffer.from('PK\u0003\u0004')],
    ['ow-a.json', Buffer.from('BZh91AY')],
    ['ow-a.json', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])],
    ['ow-a.json', Buffer.from([0x28, 0xb5, 0x2f, 0xfd])],
    ['ow-a.json', tarHead],
  ])('%j with its first bytes is an archive', (name, head) => {
    expect(looksLikeArchive(name, head)).toBe(true);
  });

  it('a JSON rule is not', () => {
    expect(looksLikeArchive('ow-a.json', Buffer.from('{"rule_id":"ow-a"}'))).toBe(false);
  });
});
