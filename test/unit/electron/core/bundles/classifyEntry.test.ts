import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import {
  createEntryClassifier,
  nestedArchiveFinding,
  tarErrorFinding,
} from '../../../../../electron/core/bundles/archive/classifyEntry';
import type { EntryHeader } from '../../../../../electron/core/bundles/archive/classifyEntry';
import { TarFormatError } from '../../../../../electron/core/bundles/archive/tarReader';

const limits = { maxEntries: 10, maxEntryBytes: 1000 };
const file = (path: string, size = 10): EntryHeader => ({ path, type: 'File', size });
const directory = (path: string): EntryHeader => ({ path, type: 'Directory', size: 0 });

describe('classifyEntry', () => {
  it('keeps the manifest and rule files, skips the root and rules/ directories', () => {
    const classifier = createEntryClassifier(limits);
    const decisions = [
      directory('./'),
      directory('./rules/'),
      file('./manifest.json'),
      file('rules/ow-a.json'),
      file('manifest.bson'),
    ].map((header) => classifier.classify(header));
    expect(decisions).toEqual([
      { action: 'skip', rulesDirectory: false },
      { action: 'skip', rulesDirectory: true },
      { action: 'keep', path: 'manifest.json', kind: 'manifest-json' },
      { action: 'keep', path: 'rules/ow-a.json', kind: 'rule-file' },
      { action: 'keep', path: 'manifest.bson', kind: 'manifest-bson' },
    ]);
    expect(classifier.hasRulesDirectory).toBe(true);
    expect(classifier.entryCount).toBe(5);
  });

  it('has no rules/ directory until one is seen', () => {
    const classifier = createEntryClassifier(limits);
    classifier.classify(file('rules/ow-a.json'));
    expect(classifier.hasRulesDirectory).toBe(false);
  });

  it.each([
    [
      { path: 'rules/ow-a.json', type: 'SymbolicLink', size: 0, linkpath: '/etc/passwd' },
      /symbolic link → "\/etc\/passwd"/,
    ],
    [{ path: 'rules/ow-a.json', type: 'Link', size: 0, linkpath: 'manifest.json' }, /hard link/],
    [{ path: 'rules/ow-a.json', type: 'FIFO', size: 0 }, /FIFO/],
    [{ path: 'rules/ow-a.json', type: 'GNUDumpDir', size: 0 }, /GNUDumpDir entry/],
  ])('refuses %j and reads on', (header, message) => {
    const decision = createEntryClassifier(limits).classify(header);
    expect(decision).toMatchObject({
      action: 'refuse',
      finding: { code: 'ARCHIVE_ENTRY_TYPE', path: 'rules/ow-a.json', message },
    });
  });

  it.each([
    ['../evil.json', 'ARCHIVE_PATH_UNSAFE'],
    ['README.md', 'ARCHIVE_PATH_UNEXPECTED'],
  ])('refuses the path %j with %s', (path, expected) => {
    const decision = createEntryClassifier(limits).classify(file(path));
    expect(decision).toMatchObject({ action: 'refuse', finding: { code: expected, path } });
  });

  it('refuses the second of two paths that collide, naming the first', () => {
    const classifier = createEntryClassifier(limits);
    expect(classifier.classify(file('rules/ow-a.json')).action).toBe('keep');
    expect(classifier.classify(file('./rules/OW-A.json'))).toMatchObject({
      action: 'refuse',
      finding: { code: 'ARCHIVE_DUPLICATE', message: /collides with "rules\/ow-a.json"/ },
    });
    expect(classifier.classify(file('rules/ow-a.json'))).toMatchObject({
      finding: { code: 'ARCHIVE_DUPLICATE', message: /appears twice/ },
    });
  });

  it('stops at the entry after the last one allowed, and at an entry over the size limit', () => {
    const classifier = createEntryClassifier({ ...limits, maxEntries: 2 });
    classifier.classify(file('rules/ow-a.json'));
    classifier.classify(file('rules/ow-b.json'));
    expect(classifier.classify(file('rules/ow-c.json'))).toMatchObject({
      action: 'stop',
      finding: { code: 'ARCHIVE_LIMIT_ENTRIES' },
    });
    expect(createEntryClassifier(limits).classify(file('rules/ow-a.json', 1001))).toMatchObject({
      action: 'stop',
      finding: { code: 'ARCHIVE_LIMIT_ENTRY', path: 'rules/ow-a.json' },
    });
  });

  it('counts the entries the tar reader cannot read and says why each was refused', () => {
    const classifier = createEntryClassifier(limits);
    const header = { path: 'rules/ow-a.json', type: 'Z', size: 0 };
    expect(classifier.ignored(header, false).message).toMatch(/unknown tar entry type \(Z\)/);
    expect(classifier.ignored(header, true).message).toMatch(/pax or long-name header/);
    expect(classifier.entryCount).toBe(2);
  });
});

describe('nestedArchiveFinding', () => {
  const ruleFile = (path: string, bytes: Buffer) => ({ path, kind: 'rule-file' as const, bytes });

  it.each([
    ['by name', ruleFile('rules/ow-a.tar', Buffer.from('{}'))],
    ['by content', ruleFile('rules/ow-a.json', gzipSync('{}'))],
  ])('finds a nested archive %s, at the raw path', (_name, nested) => {
    expect(nestedArchiveFinding(nested, `./${nested.path}`)).toMatchObject({
      code: 'ARCHIVE_NESTED',
      path: `./${nested.path}`,
    });
  });

  it('lets a rule file through', () => {
    expect(nestedArchiveFinding(ruleFile('rules/ow-a.json', Buffer.from('{}')), '')).toBeNull();
  });
});

describe('tarErrorFinding', () => {
  it('tells a truncated tar from a damaged one', () => {
    const truncated = new TarFormatError('Truncated input', true);
    expect(tarErrorFinding(truncated, 'rules/ow-a.json')).toMatchObject({
      code: 'ARCHIVE_TRUNCATED',
      path: 'rules/ow-a.json',
    });
    const damaged = tarErrorFinding(new TarFormatError('checksum failure', false), '');
    expect(damaged.code).toBe('ARCHIVE_CORRUPT');
    expect(damaged.message).toContain('(checksum failure)');
  });
});
